//! Exam integrity, pure: the event format exam-room terminals send ([`event`]), collecting events into
//! sessions ([`session`]), the models fitted on an exam's own sessions ([`model`]), the detectors
//! ([`analyze`]): remote-control software, hardware takeover, one operator answering for several terminals,
//! answers known in advance; a simulator with ground truth ([`simulate`]) and the evaluation against it
//! ([`evaluate`]). No I/O here: the CLI and the server feed lines in and take reports out.

pub mod analyze;
pub mod evaluate;
pub mod event;
pub mod model;
pub mod read;
pub mod session;
pub mod signatures;
pub mod simulate;
pub mod stats;

pub use analyze::{Analysis, Finding, Kind, Options, SessionReport, analyze};
pub use event::{Body, Event, LineError, parse_line};
pub use session::Collector;
pub use signatures::Signatures;
