//! Everything that turns results into text for people or other tools.
//!
//! Nothing outside this module (and `cli`) formats text for a person.

pub mod analysis;
pub mod batch;
pub mod formats;
pub mod html;
pub mod inputs;
pub mod inventory;
pub mod jsonl;
pub mod markdown;
pub mod notify;
pub mod parquet;
pub mod rules;
pub mod safe;
pub mod table;
pub mod timeline;
