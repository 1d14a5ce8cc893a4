//! What `providers.file` reads: one file or a directory tree, as the proxy's file provider
//! and `limpet check` both see it.

use std::path::PathBuf;

use super::{read_directory, read_file, DecodeError};
use crate::dynamic::Configuration;
use crate::static_config::FileProvider;

/// The file or directory of the file provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileSource {
    File(PathBuf),
    Directory(PathBuf),
}

/// A `providers.file` section that names no usable source (Traefik's texts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FileSourceError {
    #[error("filename and directory are mutually exclusive; keep one")]
    Both,
    #[error("neither filename nor directory is defined")]
    Neither,
}

impl FileSource {
    /// The source `providers.file` names.
    pub fn of(config: &FileProvider) -> Result<FileSource, FileSourceError> {
        match (config.filename.is_empty(), config.directory.is_empty()) {
            (false, true) => Ok(FileSource::File(config.filename.clone().into())),
            (true, false) => Ok(FileSource::Directory(config.directory.clone().into())),
            (false, false) => Err(FileSourceError::Both),
            (true, true) => Err(FileSourceError::Neither),
        }
    }

    /// Reads and decodes the whole source; in directory mode, with the warnings about names
    /// defined in several files ([`super::merge_files`]).
    pub fn read(&self) -> Result<(Configuration, Vec<String>), DecodeError> {
        match self {
            FileSource::File(path) => Ok((read_file(path)?, Vec::new())),
            FileSource::Directory(dir) => read_directory(dir),
        }
    }
}
