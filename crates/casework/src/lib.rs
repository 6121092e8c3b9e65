//! Employers and enforcement, pure: no I/O, no clock (`today` is passed in).
//!
//! - [`uscc`]: the unified social credit code (统一社会信用代码, GB 32100-2015) that identifies an employer.
//! - [`roster`]: what verifying one worker of a roster answers (`valid` ... `item_mismatch`) and why, from the
//!   registry's certificates for the number the employer typed; reminders before a review or expiry.
//! - [`receipt`]: the verification receipt an employer shows an inspector, a signed note anyone verifies
//!   offline.
//! - [`penalty`]: the legal ranges of the fines (Order No. 30 第40条, 第41条; 安全生产法 第97条) and the check
//!   of a decision against them.
//! - [`inspection`]: the legal categories of what an inspector finds on site (无证上岗, 持假证, ...).
//! - [`case`]: the case workflow 立案 → 调查 → 处罚决定 / 移送公安 → 结案, each step by role.

pub mod case;
pub mod inspection;
pub mod penalty;
pub mod receipt;
pub mod roster;
pub mod uscc;

pub use roster::{RosterOutcome, RosterResult};
pub use uscc::Uscc;
