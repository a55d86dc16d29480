pub mod sandbox;
pub mod schema;
