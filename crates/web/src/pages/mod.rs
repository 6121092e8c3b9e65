//! Server-rendered pages (maud).

pub mod admin;
pub mod audit;
pub mod cases;
pub mod certificates;
pub mod context;
pub mod exam;
pub mod import;
pub mod layout;
pub mod leads;
pub mod log;
pub mod public;
pub mod roster;
pub mod verify;
