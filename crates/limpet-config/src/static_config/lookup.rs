//! Where the static configuration file is looked for when `--configFile` is not given.

use std::path::{Path, PathBuf};

const EXTENSIONS: [&str; 3] = ["yml", "yaml", "toml"];

/// Searches `./limpet.{yml,yaml,toml}`, `./traefik.{…}` in `cwd`, then
/// `/etc/limpet/limpet.{…}`, `/etc/traefik/traefik.{…}`.
pub fn find_config_file(cwd: &Path) -> Option<PathBuf> {
    find_config_file_in(cwd, Path::new("/etc"))
}

/// [`find_config_file`] with the `/etc` root as a parameter (tests use temp dirs).
pub fn find_config_file_in(cwd: &Path, etc: &Path) -> Option<PathBuf> {
    let bases = [
        cwd.join("limpet"),
        cwd.join("traefik"),
        etc.join("limpet/limpet"),
        etc.join("traefik/traefik"),
    ];
    bases
        .iter()
        .flat_map(|base| EXTENSIONS.iter().map(move |ext| base.with_extension(ext)))
        .find(|candidate| candidate.is_file())
}
