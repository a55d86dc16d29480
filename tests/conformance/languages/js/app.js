// The JavaScript conformance router: the configuration's `case` entry picks
// the guest (cases/<case with - as _>.js, its class `Case`); the guest gets
// the rest of the configuration, and its unread keys are refused.
import * as wp from 'wasmprep-plugin';
import * as cases from './cases/index.js';

export class Router extends wp.Plugin {
  configure(config) {
    const name = config.get('case', '');
    const guest = cases[name.replaceAll('-', '_')];
    if (!guest?.Case) throw new wp.InvalidConfig(`no guest for case \`${name}\``);
    // entries() marks every key read here; the guest's own Config checks
    // them, without `case`.
    const rest = new wp.Config(config.entries().filter(([key]) => key !== 'case'));
    this.guest = new guest.Case();
    const contract = this.guest.configure(rest);
    rest.finish();
    return contract;
  }

  process(batch) {
    return this.guest.process(batch);
  }
}

export const transform = wp.exportPlugin(Router);
