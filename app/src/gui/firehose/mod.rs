//! The Firehose panels: each delivery stream's buffer filling toward its size hint and counting
//! down its interval, "Flush now", every flush on a timeline, and the objects it delivered.

pub mod preview;
pub mod tab;
pub mod view;

#[cfg(test)]
mod tests;
