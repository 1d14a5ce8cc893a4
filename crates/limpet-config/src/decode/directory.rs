//! Directory mode of the file provider: every supported file under a directory (recursively,
//! in name order), merged so that the first definition of a name wins, with a warning. The
//! one implementation: the proxy's file provider and `limpet check` both read through it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{format_of, read_file, DecodeError};
use crate::dynamic::{Configuration, HttpConfiguration, TlsConfiguration};

/// Reads and decodes every `.yml`/`.yaml`/`.toml` file under `dir` (sub-directories
/// included, sorted by name), then merges them with [`merge_files`]. Any file that does not
/// decode fails the whole directory, as in Traefik.
pub fn read_directory(dir: &Path) -> Result<(Configuration, Vec<String>), DecodeError> {
    let mut files = Vec::new();
    collect_files(dir, &mut files)?;
    let mut decoded = Vec::with_capacity(files.len());
    for file in files {
        let config = read_file(&file)?;
        decoded.push((file, config));
    }
    Ok(merge_files(decoded))
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), DecodeError> {
    let entries = std::fs::read_dir(dir).map_err(|e| DecodeError::new(dir, e.to_string()))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            collect_files(&path, out)?;
        } else if format_of(&path).is_some() {
            out.push(path);
        }
    }
    Ok(())
}

/// Merges decoded files in order: the first definition of a router/service/middleware/
/// transport/model name wins; each later duplicate yields a warning naming both files.
pub fn merge_files(files: Vec<(PathBuf, Configuration)>) -> (Configuration, Vec<String>) {
    let mut merger = Merger::default();
    for (file, config) in files {
        merger.add(&file, config);
    }
    (merger.merged, merger.warnings)
}

#[derive(Default)]
struct Merger {
    merged: Configuration,
    /// (kind, name) → file that defined it first.
    origins: BTreeMap<(&'static str, String), PathBuf>,
    /// Section (`tcp`, `udp`) → file that defined it first.
    opaque_origins: BTreeMap<&'static str, PathBuf>,
    warnings: Vec<String>,
}

impl Merger {
    fn add(&mut self, file: &Path, config: Configuration) {
        if let Some(http) = config.http {
            self.add_http(file, http);
        }
        self.add_opaque(file, "tcp", config.tcp, |c| &mut c.tcp);
        self.add_opaque(file, "udp", config.udp, |c| &mut c.udp);
        if let Some(tls) = config.tls {
            self.add_tls(file, tls);
        }
    }

    /// As Traefik's file provider: certificates of every file (each once), options and
    /// stores by name, the first definition winning.
    fn add_tls(&mut self, file: &Path, tls: TlsConfiguration) {
        let mut target = self.merged.tls.take().unwrap_or_default();
        for certificate in tls.certificates {
            if !target.certificates.contains(&certificate) {
                target.certificates.push(certificate);
            }
        }
        self.add_named(file, "TLS options", tls.options, &mut target.options);
        self.add_named(file, "TLS store", tls.stores, &mut target.stores);
        self.merged.tls = Some(target);
    }

    fn add_http(&mut self, file: &Path, http: HttpConfiguration) {
        let mut target = self.merged.http.take().unwrap_or_default();
        self.add_named(file, "router", http.routers, &mut target.routers);
        self.add_named(file, "service", http.services, &mut target.services);
        self.add_named(
            file,
            "middleware",
            http.middlewares,
            &mut target.middlewares,
        );
        self.add_named(
            file,
            "servers transport",
            http.servers_transports,
            &mut target.servers_transports,
        );
        self.add_named(file, "model", http.models, &mut target.models);
        self.merged.http = Some(target);
    }

    fn add_named<T>(
        &mut self,
        file: &Path,
        kind: &'static str,
        items: BTreeMap<String, T>,
        target: &mut BTreeMap<String, T>,
    ) {
        for (name, item) in items {
            match self.origins.get(&(kind, name.clone())) {
                Some(first) => self
                    .warnings
                    .push(duplicate_warning(kind, &name, first, file)),
                None => {
                    self.origins.insert((kind, name.clone()), file.to_owned());
                    target.insert(name, item);
                }
            }
        }
    }

    fn add_opaque<T>(
        &mut self,
        file: &Path,
        section: &'static str,
        value: Option<T>,
        slot: impl Fn(&mut Configuration) -> &mut Option<T>,
    ) {
        let Some(value) = value else { return };
        match self.opaque_origins.get(section) {
            Some(first) => self.warnings.push(format!(
                "{section} configuration in {} ignored: already defined in {} (only the first file's {section} section is used)",
                file.display(),
                first.display()
            )),
            None => {
                self.opaque_origins.insert(section, file.to_owned());
                *slot(&mut self.merged) = Some(value);
            }
        }
    }
}

fn duplicate_warning(kind: &str, name: &str, first: &Path, again: &Path) -> String {
    let kind = if kind.starts_with("TLS") {
        kind.to_owned()
    } else {
        format!("HTTP {kind}")
    };
    format!(
        "{kind} {name:?} is defined in both {} and {}; keeping the definition from {}",
        first.display(),
        again.display(),
        first.display()
    )
}
