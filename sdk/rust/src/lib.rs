//! Write [wasmprep](https://github.com/wasmprep/wasmprep) plugins in Rust.
//!
//! With the `arrow` feature, columns convert to and from arrow-rs arrays
//! (`Column::into_arrow`, `Column::from_arrow`), buffers moved rather than
//! copied, for plugins that want arrow's compute kernels, and
//! [`DataType`] converts with `DataTypeExt::to_arrow` and `from_arrow`.
//!
//! A plugin declares a [`Contract`] (the columns it reads, the columns it
//! writes, whether it filters rows) from its configuration, then transforms
//! batches: it reads its input columns through zero-copy typed views and
//! returns new columns built with builders. Compiled with
//! `cargo build --target wasm32-wasip2`, the crate is a WebAssembly component
//! the wasmprep host runs in a sandbox; compiled natively, the same code runs
//! under `cargo test` through [`testing`].
//!
//! # Example
//!
//! A plugin that adds `fare_per_passenger = fare_amount / passenger_count`
//! and drops rows without passengers:
//!
//! ```
//! use wasmprep_sdk::{Batch, Column, Config, Contract, DataType, Output, Plugin, Result, Selection};
//!
//! struct FarePerPassenger {
//!     output: String,
//! }
//!
//! impl Plugin for FarePerPassenger {
//!     fn configure(config: &mut Config) -> Result<Self> {
//!         Ok(FarePerPassenger { output: config.str_or("output", "fare_per_passenger") })
//!     }
//!
//!     fn contract(&self) -> Contract {
//!         Contract::new("fare-per-passenger", "0.1.0")
//!             .input("fare_amount", DataType::Float32)
//!             .input("passenger_count", DataType::Int32)
//!             .output(&self.output, DataType::Float32)
//!             .filters()
//!     }
//!
//!     fn process(&mut self, batch: Batch) -> Result<Output> {
//!         let fare = batch.primitive::<f32>("fare_amount")?;
//!         let passengers = batch.primitive::<i32>("passenger_count")?;
//!         let keep = Selection::from_fn(batch.len(), |i| {
//!             fare.is_valid(i) && passengers.get(i).is_some_and(|p| p > 0)
//!         });
//!         let per = Column::from_fn(batch.len(), |i| {
//!             fare.values()[i] / passengers.values()[i].max(1) as f32
//!         });
//!         Ok(Output::new().column(per).select(keep))
//!     }
//! }
//!
//! wasmprep_sdk::export_plugin!(FarePerPassenger);
//!
//! // The same code, natively, under `cargo test`:
//! use wasmprep_sdk::testing::{Harness, TestBatch};
//!
//! let mut plugin = Harness::<FarePerPassenger>::new(&[]).unwrap();
//! let out = plugin
//!     .process(
//!         TestBatch::new()
//!             .with("fare_amount", Column::from_options([Some(10.0f32), Some(9.0), None]))
//!             .with("passenger_count", Column::from_values([2i32, 0, 1])),
//!     )
//!     .unwrap();
//! assert_eq!(out.kept_rows(), Some(vec![0]));
//! assert_eq!(out.primitive::<f32>("fare_per_passenger")[0], Some(5.0));
//! ```

#[cfg(feature = "arrow")]
mod arrow;
mod batch;
mod buffer;
mod builder;
mod column;
mod fit;
pub mod log;
pub mod math;
pub mod testing;
mod types;

#[cfg(feature = "arrow")]
pub use arrow::DataTypeExt;
pub use batch::{Batch, Config, Output};
pub use buffer::{Bytes, Pod};
pub use builder::{BoolBuilder, BytesBuilder, PrimitiveBuilder, Selection};
pub use column::{Bitmap, BoolView, BytesView, Column, Native, PrimitiveView, StrView};
#[doc(hidden)]
pub use fit::{does_not_fit, FitInstance};
pub use fit::{Aggregate, Fitted, FittedPlugin};
pub use types::{DataType, Error, Result, TimeUnit};
/// Days since the epoch ⇄ dates, and hex text, as the host computes them.
pub use wasmprep_contract::{civil, hex};
pub use wasmprep_contract::{ColumnSpec, Contract};

/// A plugin: configured once per sandbox instance, then called per batch.
pub trait Plugin: Sized + 'static {
    /// Reads the configuration. Keys it does not read are reported to the
    /// user as unknown.
    fn configure(config: &mut Config) -> Result<Self>;

    /// The contract this configuration fulfils.
    fn contract(&self) -> Contract;

    /// Transforms one batch holding the contract's input columns.
    fn process(&mut self, batch: Batch) -> Result<Output>;
}

/// A configured plugin and its contract: what the exported functions (and
/// the test harness) call.
#[doc(hidden)]
pub struct Instance<P> {
    plugin: P,
    contract: Contract,
}

impl<P: Plugin> Instance<P> {
    pub fn configure(pairs: Vec<(String, String)>) -> Result<Self> {
        let mut config = Config::from_pairs(pairs);
        let plugin = P::configure(&mut config)?;
        config.finish()?;
        let contract = plugin.contract();
        check_contract(&contract)?;
        Ok(Instance { plugin, contract })
    }

    pub fn contract(&self) -> &Contract {
        &self.contract
    }

    /// Configures the transform of a fitting plugin with its parameters.
    pub fn configure_fitted(pairs: Vec<(String, String)>, parameters: &[u8]) -> Result<Self>
    where
        P: FittedPlugin,
    {
        let mut config = Config::from_pairs(pairs);
        let plugin = P::configure_fitted(&mut config, parameters)?;
        config.finish()?;
        let contract = plugin.contract();
        check_contract(&contract)?;
        Ok(Instance { plugin, contract })
    }

    pub fn process(&mut self, columns: Vec<Column>) -> Result<(Vec<Column>, Option<Selection>)> {
        let batch = Batch::new(&self.contract, columns)?;
        let rows = batch.len();
        self.plugin.process(batch)?.check(&self.contract, rows)
    }
}

fn check_contract(contract: &Contract) -> Result<()> {
    let mut seen = std::collections::HashSet::new();
    for c in &contract.inputs {
        if !seen.insert(c.name.as_str()) {
            return Err(Error::failure(format!("input `{}` declared twice", c.name)));
        }
    }
    seen.clear();
    for c in &contract.outputs {
        if !seen.insert(c.name.as_str()) {
            return Err(Error::failure(format!(
                "output `{}` declared twice",
                c.name
            )));
        }
    }
    Ok(())
}

#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
pub mod __bindings {
    wit_bindgen::generate!({
        path: "../wit",
        world: "fitting-plugin",
        pub_export_macro: true,
        export_macro_name: "__export_plugin_world",
        default_bindings_module: "::wasmprep_sdk::__bindings",
    });
}

#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
pub mod __glue;

/// Exports a [`Plugin`] as the component's `transform` interface (its
/// `fit` interface answers that it does not fit).
///
/// Expands to nothing outside WebAssembly, so the crate also builds (and
/// tests) natively.
#[macro_export]
macro_rules! export_plugin {
    ($plugin:ty) => {
        $crate::__export!($plugin, $crate::__no_fit! {});
    };
}

/// Exports a fitting plugin: `$plugin` ([`FittedPlugin`]) as the
/// `transform` interface, `$aggregate` ([`Aggregate`]) as the `fit`
/// interface.
#[macro_export]
macro_rules! export_fitting_plugin {
    ($plugin:ty, $aggregate:ty) => {
        $crate::__export!($plugin, $crate::__fit! { $plugin, $aggregate });
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __export {
    ($plugin:ty, $fit:item) => {
        #[cfg(target_arch = "wasm32")]
        const _: () = {
            use $crate::__bindings::exports::wasmprep::plugin::fit as wit_fit;
            use $crate::__bindings::exports::wasmprep::plugin::transform as wit;

            struct Export;

            ::std::thread_local! {
                static STATE: ::std::cell::RefCell<Option<$crate::Instance<$plugin>>> =
                    const { ::std::cell::RefCell::new(None) };
            }

            impl wit::Guest for Export {
                fn configure(
                    config: ::std::vec::Vec<(::std::string::String, ::std::string::String)>,
                ) -> ::std::result::Result<wit::Contract, wit::Error> {
                    let instance = $crate::Instance::<$plugin>::configure(config)
                        .map_err($crate::__glue::error_to_wit)?;
                    let contract = $crate::__glue::contract_to_wit(instance.contract());
                    STATE.with(|s| *s.borrow_mut() = Some(instance));
                    Ok(contract)
                }

                fn process(
                    columns: ::std::vec::Vec<wit::Column>,
                ) -> ::std::result::Result<wit::BatchOutput, wit::Error> {
                    STATE.with(|s| match s.borrow_mut().as_mut() {
                        Some(instance) => $crate::__glue::process(instance, columns),
                        None => Err($crate::__glue::not_configured()),
                    })
                }
            }

            $fit

    $crate::__bindings::__export_plugin_world!(Export with_types_in $crate::__bindings);
        };
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __no_fit {
    () => {
        impl wit_fit::Guest for Export {
            fn configure_fit(
                _: ::std::vec::Vec<(::std::string::String, ::std::string::String)>,
            ) -> ::std::result::Result<wit_fit::FitContract, wit::Error> {
                Err($crate::__glue::error_to_wit($crate::does_not_fit()))
            }
            fn empty() -> ::std::result::Result<::std::vec::Vec<u8>, wit::Error> {
                Err($crate::__glue::error_to_wit($crate::does_not_fit()))
            }
            fn update(
                _: ::std::vec::Vec<u8>,
                _: ::std::vec::Vec<wit::Column>,
            ) -> ::std::result::Result<::std::vec::Vec<u8>, wit::Error> {
                Err($crate::__glue::error_to_wit($crate::does_not_fit()))
            }
            fn merge(
                _: ::std::vec::Vec<u8>,
                _: ::std::vec::Vec<u8>,
            ) -> ::std::result::Result<::std::vec::Vec<u8>, wit::Error> {
                Err($crate::__glue::error_to_wit($crate::does_not_fit()))
            }
            fn finish(
                _: ::std::vec::Vec<u8>,
            ) -> ::std::result::Result<wit_fit::Fitted, wit::Error> {
                Err($crate::__glue::error_to_wit($crate::does_not_fit()))
            }
            fn configure_fitted(
                _: ::std::vec::Vec<(::std::string::String, ::std::string::String)>,
                _: ::std::vec::Vec<u8>,
            ) -> ::std::result::Result<wit::Contract, wit::Error> {
                Err($crate::__glue::error_to_wit($crate::does_not_fit()))
            }
        }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __fit {
    ($plugin:ty, $aggregate:ty) => {
        ::std::thread_local! {
            static FIT: ::std::cell::RefCell<Option<$crate::FitInstance<$aggregate>>> =
                const { ::std::cell::RefCell::new(None) };
        }

        fn with_fit<T>(
            f: impl FnOnce(&$crate::FitInstance<$aggregate>) -> $crate::Result<T>,
        ) -> ::std::result::Result<T, wit::Error> {
            FIT.with(|s| match s.borrow().as_ref() {
                Some(fit) => f(fit).map_err($crate::__glue::error_to_wit),
                None => Err($crate::__glue::not_configured()),
            })
        }

        impl wit_fit::Guest for Export {
            fn configure_fit(
                config: ::std::vec::Vec<(::std::string::String, ::std::string::String)>,
            ) -> ::std::result::Result<wit_fit::FitContract, wit::Error> {
                let fit = $crate::FitInstance::<$aggregate>::configure(config)
                    .map_err($crate::__glue::error_to_wit)?;
                let contract = $crate::__glue::fit_contract_to_wit(fit.inputs());
                FIT.with(|s| *s.borrow_mut() = Some(fit));
                Ok(contract)
            }
            fn empty() -> ::std::result::Result<::std::vec::Vec<u8>, wit::Error> {
                with_fit(|fit| Ok(fit.empty()))
            }
            fn update(
                state: ::std::vec::Vec<u8>,
                columns: ::std::vec::Vec<wit::Column>,
            ) -> ::std::result::Result<::std::vec::Vec<u8>, wit::Error> {
                with_fit(|fit| {
                    let columns = $crate::__glue::columns_from_wit(fit.inputs(), columns)?;
                    fit.update(&state, columns)
                })
            }
            fn merge(
                left: ::std::vec::Vec<u8>,
                right: ::std::vec::Vec<u8>,
            ) -> ::std::result::Result<::std::vec::Vec<u8>, wit::Error> {
                with_fit(|fit| fit.merge(&left, &right))
            }
            fn finish(
                state: ::std::vec::Vec<u8>,
            ) -> ::std::result::Result<wit_fit::Fitted, wit::Error> {
                with_fit(|fit| fit.finish(&state)).map($crate::__glue::fitted_to_wit)
            }
            fn configure_fitted(
                config: ::std::vec::Vec<(::std::string::String, ::std::string::String)>,
                parameters: ::std::vec::Vec<u8>,
            ) -> ::std::result::Result<wit::Contract, wit::Error> {
                let instance = $crate::Instance::<$plugin>::configure_fitted(config, &parameters)
                    .map_err($crate::__glue::error_to_wit)?;
                let contract = $crate::__glue::contract_to_wit(instance.contract());
                STATE.with(|s| *s.borrow_mut() = Some(instance));
                Ok(contract)
            }
        }
    };
}
