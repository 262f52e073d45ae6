//! Learn mode: lessons that run a scenario to the moment that answers their question, and the
//! numbers they teach checked against the engine (issue 14).

pub mod calculators;
pub mod catalog;
pub mod check;
pub mod lesson;
pub mod look;
pub mod practice;
pub mod query;
pub mod quiz;
pub mod quiz_check;
pub mod which_service;
