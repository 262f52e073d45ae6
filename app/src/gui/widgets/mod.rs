//! Widgets every service's panels share: tables that never wrap, sparklines, and numbers and
//! axes written the same way everywhere.

pub mod numbers;
pub mod sparkline;
pub mod table;
