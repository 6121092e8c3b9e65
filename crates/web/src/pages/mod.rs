//! Server-rendered pages (maud).

pub mod admin;
pub mod audit;
pub mod layout;
pub mod public;
pub mod verify;
