//! The tools: `limpet check` (lint before traffic), `limpet doctor` (live probe), `limpet
//! whoami` (a tiny backend) and `limpet demo` (the embedded default).

pub mod check;
pub mod demo;
pub mod doctor;
pub mod whoami;
