//! postmortem: forensic log and timeline analysis for PM2 + CI incidents.
//!
//! Data flows one way: [`evidence`] (files, archives, hashes, sniffing, parsing) →
//! [`event`] (the normalized event) → [`clock`] (UTC, assumptions) → [`timeline`] (merge,
//! filters) → [`analysis`] (outages, root causes, severity, timing; with the [`inventory`]) →
//! [`report`] (text for people and tools). [`cli`] maps arguments to calls.

pub mod analysis;
pub mod batch;
pub mod cli;
pub mod clock;
pub mod collect;
pub mod event;
pub mod evidence;
pub mod inventory;
pub mod lint;
pub mod report;
pub mod stream;
pub mod timeline;
