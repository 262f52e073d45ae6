//! The `kinescope` application as a library: the desktop inspector and the subcommands, so the
//! binary stays a thin entry point and benchmarks can drive the inspector.

pub mod account;
pub mod authoring;
pub mod demo;
pub mod desktop;
pub mod gui;
pub mod lessons;
pub mod quiz;
pub mod run;
pub mod serve;
pub mod video;
