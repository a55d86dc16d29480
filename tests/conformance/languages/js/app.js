// The JavaScript conformance router: the configuration's `case` entry picks
// the guest (cases/<case with - as _>.js, its class `Case`); the guest reads
// the rest of the configuration.
import * as wp from 'wasmprep-plugin';
import * as cases from './cases/index.js';

export class Router extends wp.Plugin {
  configure(config) {
    const name = config.get('case', '');
    const guest = cases[name.replaceAll('-', '_')];
    if (!guest?.Case) throw new wp.InvalidConfig(`no guest for case \`${name}\``);
    this.guest = new guest.Case();
    return this.guest.configure(config);
  }

  process(batch) {
    return this.guest.process(batch);
  }
}

export const transform = wp.exportPlugin(Router);
