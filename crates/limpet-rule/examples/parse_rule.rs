//! Reads rules, one per line, and prints each with `OK` or Traefik's error text.

use std::io::BufRead;

fn main() {
    for line in std::io::stdin().lock().lines().map_while(Result::ok) {
        match limpet_rule::Rule::parse(&line) {
            Ok(_) => println!("{line}\tOK"),
            Err(e) => println!("{line}\t{e}"),
        }
    }
}
