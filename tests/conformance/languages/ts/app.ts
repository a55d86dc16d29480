// The TypeScript conformance router: the configuration's `case` entry picks
// the guest (cases/<case with - as _>.ts, its class `Case`); the guest gets
// the rest of the configuration, without `case`, and its unread keys are
// refused as they would be in a plugin of its own.
import * as wp from 'wasmprep-plugin';
import * as cases from './cases/index';

/** What every guest module exports: a plugin class named `Case`. */
interface GuestModule {
  Case: new () => Guest;
}

interface Guest {
  configure(config: wp.Config): wp.Contract;
  process(batch: wp.Batch): wp.ProcessResult;
}

const GUESTS: Readonly<Record<string, GuestModule | undefined>> = cases;

export class Router extends wp.Plugin {
  private guest!: Guest;

  configure(config: wp.Config): wp.Contract {
    const name = config.get('case', '');
    const guest = GUESTS[name.replaceAll('-', '_')];
    if (!guest) throw new wp.InvalidConfig(`no guest for case \`${name}\``);
    // entries() marks every key read here; the guest's own Config checks them.
    const rest = new wp.Config(config.entries().filter(([key]) => key !== 'case'));
    this.guest = new guest.Case();
    const contract = this.guest.configure(rest);
    rest.finish();
    return contract;
  }

  process(batch: wp.Batch): wp.ProcessResult {
    return this.guest.process(batch);
  }
}

export const transform = wp.exportPlugin(Router);
