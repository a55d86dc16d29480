//! The Rust conformance router: one component holding every case's guest
//! (`cases/<case>.rs`, each a `Case` implementing `Plugin`); the
//! configuration's `case` entry picks the guest, the rest is the guest's.

use wasmprep_sdk::{Batch, Config, Contract, Error, Output, Plugin, Result};

/// A configured guest, whichever case it is.
trait Guest {
    fn contract(&self) -> Contract;
    fn process(&mut self, batch: Batch) -> Result<Output>;
}

impl<P: Plugin> Guest for P {
    fn contract(&self) -> Contract {
        Plugin::contract(self)
    }
    fn process(&mut self, batch: Batch) -> Result<Output> {
        Plugin::process(self, batch)
    }
}

/// Declares the case modules and `configure`, which configures the named
/// one (the index of cases, `cases/mod.rs`, invokes it).
#[macro_export]
macro_rules! cases {
    ($($module:ident => $name:literal,)*) => {
        $(pub mod $module;)*

        pub(crate) fn configure(
            case: &str,
            config: &mut wasmprep_sdk::Config,
        ) -> Option<wasmprep_sdk::Result<Box<dyn crate::Guest>>> {
            use wasmprep_sdk::Plugin;
            match case {
                $($name => Some($module::Case::configure(config).map(|g| Box::new(g) as Box<dyn crate::Guest>)),)*
                _ => None,
            }
        }
    };
}

mod cases;

pub struct Router(Box<dyn Guest>);

impl Plugin for Router {
    fn configure(config: &mut Config) -> Result<Self> {
        let case = config.str_or("case", "");
        cases::configure(&case, config)
            .unwrap_or_else(|| Err(Error::config(format!("no guest for case `{case}`"))))
            .map(Router)
    }

    fn contract(&self) -> Contract {
        self.0.contract()
    }

    fn process(&mut self, batch: Batch) -> Result<Output> {
        self.0.process(batch)
    }
}

wasmprep_sdk::export_plugin!(Router);
