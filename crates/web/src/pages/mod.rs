//! Server-rendered pages (maud).

pub mod admin;
pub mod audit;
pub mod context;
pub mod layout;
pub mod public;
pub mod verify;
