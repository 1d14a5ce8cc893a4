//! Error texts, compared with what Traefik's parsing chain (Go's `go/parser`,
//! vulcand/predicate, `rules`, `muxer/http`) reports for the same rules. The expected
//! strings were produced by running that chain.

use limpet_rule::Rule;

const CASES: &[(&str, &str)] = &[
    (
        r#"Host(`x.local`) && Foo(`bar`)"#,
        r#"error while parsing rule Host(`x.local`) && Foo(`bar`): parsing rule Host(`x.local`) && Foo(`bar`): unsupported function: Foo"#,
    ),
    (
        r#"Host()"#,
        r#"error while parsing rule Host(): adding rule Host(): error while checking rule Host: no args for matcher Host"#,
    ),
    (
        r#"Host(``)"#,
        r#"error while parsing rule Host(``): adding rule Host(``): error while checking rule Host: empty args for matcher Host, []"#,
    ),
    (
        r#"Header(`a`, ``)"#,
        r#"error while parsing rule Header(`a`, ``): adding rule Header(`a`, ``): error while checking rule Header: empty args for matcher Header, [a ]"#,
    ),
    (
        r#"Host(`a`, `b`)"#,
        r#"error while parsing rule Host(`a`, `b`): adding rule Host(`a`, `b`): error while adding rule Host: unexpected number of parameters; got 2, expected one of [1]"#,
    ),
    (
        r#"Path(`css`)"#,
        r#"error while parsing rule Path(`css`): adding rule Path(`css`): error while adding rule Path: path "css" does not start with a '/'"#,
    ),
    (
        r#"PathRegexp(`/(css`)"#,
        r#"error while parsing rule PathRegexp(`/(css`): adding rule PathRegexp(`/(css`): error while adding rule PathRegexp: compiling PathPrefix matcher: error parsing regexp: missing closing ): `/(css`"#,
    ),
    (
        r#"ClientIP(`1`)"#,
        r#"error while parsing rule ClientIP(`1`): adding rule ClientIP(`1`): error while adding rule ClientIP: initializing IP checker for ClientIP matcher: parsing CIDR trusted IPs <nil>: invalid CIDR address: 1"#,
    ),
    (
        r#"ClientIP(`foo`) && Host(`a`)"#,
        r#"error while parsing rule ClientIP(`foo`) && Host(`a`): adding rule ClientIP(`foo`) && Host(`a`): error while adding rule and: error while adding rule ClientIP: initializing IP checker for ClientIP matcher: parsing CIDR trusted IPs <nil>: invalid CIDR address: foo"#,
    ),
    (
        r#"!(ClientIP(`foo`) && Host(`a`))"#,
        r#"error while parsing rule !(ClientIP(`foo`) && Host(`a`)): adding rule !(ClientIP(`foo`) && Host(`a`)): error while adding rule or: error while adding rule ClientIP: initializing IP checker for ClientIP matcher: parsing CIDR trusted IPs <nil>: invalid CIDR address: foo"#,
    ),
    (
        r#"Host('a')"#,
        r#"error while parsing rule Host('a'): parsing rule Host('a'): unsupported function argument type: 'CHAR'"#,
    ),
    (
        r#"Host('ab')"#,
        r#"error while parsing rule Host('ab'): parsing rule Host('ab'): 1:6: illegal rune literal"#,
    ),
    (
        r#"(Host(`a`)"#,
        r#"error while parsing rule (Host(`a`): parsing rule (Host(`a`): 1:11: expected ')', found newline"#,
    ),
    (
        r#"Host(`a`))"#,
        r#"error while parsing rule Host(`a`)): parsing rule Host(`a`)): 1:10: expected 'EOF', found ')'"#,
    ),
    (
        r#"Host(`a`) &&"#,
        r#"error while parsing rule Host(`a`) &&: parsing rule Host(`a`) &&: 1:13: expected operand, found 'EOF'"#,
    ),
    (
        r#"Host(`a`) ||"#,
        r#"error while parsing rule Host(`a`) ||: parsing rule Host(`a`) ||: 1:13: expected operand, found 'EOF'"#,
    ),
    (
        r#""#,
        r#"error while parsing rule : parsing rule : 1:1: expected operand, found 'EOF'"#,
    ),
    (
        r#"Host(`🦭.com`)"#,
        r#"error while parsing rule Host(`🦭.com`): adding rule Host(`🦭.com`): error while adding rule Host: invalid value "🦭.com" for Host matcher, non-ASCII characters are not allowed"#,
    ),
    (
        r#"Host(example.com)"#,
        r#"error while parsing rule Host(example.com): parsing rule Host(example.com): example.com is not defined"#,
    ),
    (
        r#"rulewithnotmatcher"#,
        r#"error while parsing rule rulewithnotmatcher: parsing rule rulewithnotmatcher: rulewithnotmatcher is not defined"#,
    ),
    (
        r#"Host(1)"#,
        r#"error while parsing rule Host(1): parsing rule Host(1): reflect: cannot use int as type string in Call"#,
    ),
    (
        r#"Host(`a`) && "b""#,
        r#"error while parsing rule Host(`a`) && "b": parsing rule Host(`a`) && "b": reflect: Call using string as type rules.TreeBuilder"#,
    ),
    (
        r#"!"b""#,
        r#"error while parsing rule !"b": parsing rule !"b": reflect: Call using string as type rules.TreeBuilder"#,
    ),
    (
        r#"Host(`a`) == Host(`b`)"#,
        r#"error while parsing rule Host(`a`) == Host(`b`): parsing rule Host(`a`) == Host(`b`): == is not supported"#,
    ),
    (
        r#"-Host(`a`)"#,
        r#"error while parsing rule -Host(`a`): parsing rule -Host(`a`): - is not supported"#,
    ),
    (
        r#""abc""#,
        r#"error while parsing rule "abc": obtaining build tree"#,
    ),
    (
        r#"Host(`a`) Path(`/`)"#,
        r#"error while parsing rule Host(`a`) Path(`/`): parsing rule Host(`a`) Path(`/`): 1:11: expected 'EOF', found Path"#,
    ),
    (
        r#"Host("a\q")"#,
        r#"error while parsing rule Host("a\q"): parsing rule Host("a\q"): 1:9: unknown escape sequence"#,
    ),
    (
        r#"Host(`a`) & Path(`/`)"#,
        r#"error while parsing rule Host(`a`) & Path(`/`): parsing rule Host(`a`) & Path(`/`): & is not supported"#,
    ),
    (
        r#"HostRegexp(`a**`)"#,
        r#"error while parsing rule HostRegexp(`a**`): adding rule HostRegexp(`a**`): error while adding rule HostRegexp: compiling HostRegexp matcher: error parsing regexp: invalid nested repetition operator: `**`"#,
    ),
    (
        r#"HostRegexp(`[a-`)"#,
        r#"error while parsing rule HostRegexp(`[a-`): adding rule HostRegexp(`[a-`): error while adding rule HostRegexp: compiling HostRegexp matcher: error parsing regexp: missing closing ]: `[a-`"#,
    ),
    (
        r#"HostRegexp(`\q`)"#,
        r#"error while parsing rule HostRegexp(`\q`): adding rule HostRegexp(`\q`): error while adding rule HostRegexp: compiling HostRegexp matcher: error parsing regexp: invalid escape sequence: `\q`"#,
    ),
    (
        r#"HostRegexp(`a{2,1}`)"#,
        r#"error while parsing rule HostRegexp(`a{2,1}`): adding rule HostRegexp(`a{2,1}`): error while adding rule HostRegexp: compiling HostRegexp matcher: error parsing regexp: invalid repeat count: `{2,1}`"#,
    ),
    (
        r#"HostRegexp(`*a`)"#,
        r#"error while parsing rule HostRegexp(`*a`): adding rule HostRegexp(`*a`): error while adding rule HostRegexp: compiling HostRegexp matcher: error parsing regexp: missing argument to repetition operator: `*`"#,
    ),
    (
        r#"HostRegexp(`a)`)"#,
        r#"error while parsing rule HostRegexp(`a)`): adding rule HostRegexp(`a)`): error while adding rule HostRegexp: compiling HostRegexp matcher: error parsing regexp: unexpected ): `a)`"#,
    ),
    (
        r#"HostRegexp(`[z-a]`)"#,
        r#"error while parsing rule HostRegexp(`[z-a]`): adding rule HostRegexp(`[z-a]`): error while adding rule HostRegexp: compiling HostRegexp matcher: error parsing regexp: invalid character class range: `z-a`"#,
    ),
    (
        r#"HostRegexp(`(?P<>a)`)"#,
        r#"error while parsing rule HostRegexp(`(?P<>a)`): adding rule HostRegexp(`(?P<>a)`): error while adding rule HostRegexp: compiling HostRegexp matcher: error parsing regexp: invalid named capture: `(?P<>`"#,
    ),
    (
        r#"HostRegexp(`(?z)`)"#,
        r#"error while parsing rule HostRegexp(`(?z)`): adding rule HostRegexp(`(?z)`): error while adding rule HostRegexp: compiling HostRegexp matcher: error parsing regexp: invalid or unsupported Perl syntax: `(?z`"#,
    ),
    (
        r#"HostRegexp(`a{1001}`)"#,
        r#"error while parsing rule HostRegexp(`a{1001}`): adding rule HostRegexp(`a{1001}`): error while adding rule HostRegexp: compiling HostRegexp matcher: error parsing regexp: invalid repeat count: `{1001}`"#,
    ),
    (
        r#"HostRegexp(`\`)"#,
        r#"error while parsing rule HostRegexp(`\`): adding rule HostRegexp(`\`): error while adding rule HostRegexp: compiling HostRegexp matcher: error parsing regexp: trailing backslash at end of expression: ``"#,
    ),
    (
        r#"Host(`a`) && Path(`/`) && Query()"#,
        r#"error while parsing rule Host(`a`) && Path(`/`) && Query(): adding rule Host(`a`) && Path(`/`) && Query(): error while checking rule Query: no args for matcher Query"#,
    ),
    (
        r#"Host(`a`"#,
        r#"error while parsing rule Host(`a`: parsing rule Host(`a`: 1:9: missing ',' before newline in argument list"#,
    ),
    (
        r#"Host(`a)"#,
        r#"error while parsing rule Host(`a): parsing rule Host(`a): 1:6: raw string literal not terminated"#,
    ),
    (
        r#"Host("a)"#,
        r#"error while parsing rule Host("a): parsing rule Host("a): 1:6: string literal not terminated"#,
    ),
    (
        r#"a.b(`x`)"#,
        r#"error while parsing rule a.b(`x`): parsing rule a.b(`x`): unsupported function: a.b"#,
    ),
    (
        r#"Host(`a`)[0]"#,
        r#"error while parsing rule Host(`a`)[0]: parsing rule Host(`a`)[0]: properties are not supported"#,
    ),
    (
        r#"Host(1.5)"#,
        r#"error while parsing rule Host(1.5): parsing rule Host(1.5): reflect: cannot use float64 as type string in Call"#,
    ),
    (
        r#"Host(`a`, 1)"#,
        r#"error while parsing rule Host(`a`, 1): parsing rule Host(`a`, 1): reflect: cannot use int as type string in Call"#,
    ),
    (
        r#"Query(`a`, `b`, `c`)"#,
        r#"error while parsing rule Query(`a`, `b`, `c`): adding rule Query(`a`, `b`, `c`): error while adding rule Query: unexpected number of parameters; got 3, expected one of [1 2]"#,
    ),
    (
        r#"Host(`a`);"#,
        r#"error while parsing rule Host(`a`);: parsing rule Host(`a`);: 1:10: expected 'EOF', found ';'"#,
    ),
    (
        r#"HoSt(`a`)"#,
        r#"error while parsing rule HoSt(`a`): parsing rule HoSt(`a`): unsupported function: HoSt"#,
    ),
    (
        r#"ClientIP(`::1/129`)"#,
        r#"error while parsing rule ClientIP(`::1/129`): adding rule ClientIP(`::1/129`): error while adding rule ClientIP: initializing IP checker for ClientIP matcher: parsing CIDR trusted IPs <nil>: invalid CIDR address: ::1/129"#,
    ),
    (
        r#"ClientIP(`1.2.3.4/33`)"#,
        r#"error while parsing rule ClientIP(`1.2.3.4/33`): adding rule ClientIP(`1.2.3.4/33`): error while adding rule ClientIP: initializing IP checker for ClientIP matcher: parsing CIDR trusted IPs <nil>: invalid CIDR address: 1.2.3.4/33"#,
    ),
    (
        r#"Host(``) || Path(`a`)"#,
        r#"error while parsing rule Host(``) || Path(`a`): adding rule Host(``) || Path(`a`): error while adding rule or: error while checking rule Host: empty args for matcher Host, []"#,
    ),
    (
        r#"(Host(`a`) || Path(`a`)) && Path(`/`)"#,
        r#"error while parsing rule (Host(`a`) || Path(`a`)) && Path(`/`): adding rule (Host(`a`) || Path(`a`)) && Path(`/`): error while adding rule and: error while adding rule Path: path "a" does not start with a '/'"#,
    ),
    (
        r#"!(Host(`a`) || Path(`a`))"#,
        r#"error while parsing rule !(Host(`a`) || Path(`a`)): adding rule !(Host(`a`) || Path(`a`)): error while adding rule Path: path "a" does not start with a '/'"#,
    ),
    (
        r#"Host(`a` `b`)"#,
        r#"error while parsing rule Host(`a` `b`): parsing rule Host(`a` `b`): 1:10: missing ',' in argument list"#,
    ),
    (
        r#"Host(,)"#,
        r#"error while parsing rule Host(,): parsing rule Host(,): 1:6: expected operand, found ','"#,
    ),
    (
        r#"Host("#,
        r#"error while parsing rule Host(: parsing rule Host(: 1:6: expected ')', found 'EOF'"#,
    ),
    (
        r#"Host(`a`) @ Path(`/`)"#,
        r#"error while parsing rule Host(`a`) @ Path(`/`): parsing rule Host(`a`) @ Path(`/`): 1:11: illegal character U+0040 '@'"#,
    ),
    (
        r#"Host("\u00e9")"#,
        r#"error while parsing rule Host("\u00e9"): adding rule Host("\u00e9"): error while adding rule Host: invalid value "é" for Host matcher, non-ASCII characters are not allowed"#,
    ),
    (
        r#"Host("\400")"#,
        r#"error while parsing rule Host("\400"): parsing rule Host("\400"): 1:8: escape sequence is invalid Unicode code point"#,
    ),
    (
        r#"Host("\uD800")"#,
        r#"error while parsing rule Host("\uD800"): parsing rule Host("\uD800"): 1:8: escape sequence is invalid Unicode code point"#,
    ),
    (
        r#"Host("\x4")"#,
        r#"error while parsing rule Host("\x4"): parsing rule Host("\x4"): 1:10: illegal character U+0022 '"' in escape sequence"#,
    ),
    (
        r#"Host(`a`) && !"#,
        r#"error while parsing rule Host(`a`) && !: parsing rule Host(`a`) && !: 1:15: expected operand, found 'EOF'"#,
    ),
    (
        r#"Host(`a`) && (Path(`/`) || )"#,
        r#"error while parsing rule Host(`a`) && (Path(`/`) || ): parsing rule Host(`a`) && (Path(`/`) || ): 1:28: expected operand, found ')'"#,
    ),
    (
        r#"Host(`a`) && (Path(`/`) || Path(`/b`)"#,
        r#"error while parsing rule Host(`a`) && (Path(`/`) || Path(`/b`): parsing rule Host(`a`) && (Path(`/`) || Path(`/b`): 1:38: expected ')', found newline"#,
    ),
    (
        r#"x.y.z(`a`)"#,
        r#"error while parsing rule x.y.z(`a`): parsing rule x.y.z(`a`): expected selector identifier, got: *ast.SelectorExpr"#,
    ),
    (
        r#"(Host)(`a`)"#,
        r#"error while parsing rule (Host)(`a`): parsing rule (Host)(`a`): expected identifier, got: *ast.ParenExpr"#,
    ),
    (
        r#"Host(`a`).b"#,
        r#"error while parsing rule Host(`a`).b: parsing rule Host(`a`).b: unsupported selector type: *ast.CallExpr"#,
    ),
    (
        r#"Host((`a`))"#,
        r#"error while parsing rule Host((`a`)): parsing rule Host((`a`)): *ast.ParenExpr is not supported"#,
    ),
    (
        r#"Host(!`a`)"#,
        r#"error while parsing rule Host(!`a`): parsing rule Host(!`a`): *ast.UnaryExpr is not supported"#,
    ),
    (
        r#"*Host(`a`)"#,
        r#"error while parsing rule *Host(`a`): parsing rule *Host(`a`): *ast.StarExpr is not supported"#,
    ),
    (
        r#"Host(0x10)"#,
        r#"error while parsing rule Host(0x10): parsing rule Host(0x10): failed to parse argument: 0x10, error: strconv.Atoi: parsing "0x10": invalid syntax"#,
    ),
    (
        r#"Host(1i)"#,
        r#"error while parsing rule Host(1i): parsing rule Host(1i): unsupported function argument type: 'IMAG'"#,
    ),
    (
        r#"Host(99999999999999999999)"#,
        r#"error while parsing rule Host(99999999999999999999): parsing rule Host(99999999999999999999): failed to parse argument: 99999999999999999999, error: strconv.Atoi: parsing "99999999999999999999": value out of range"#,
    ),
    (
        r#"'a'"#,
        r#"error while parsing rule 'a': parsing rule 'a': unsupported function argument type: 'CHAR'"#,
    ),
    (
        r#"PathRegexp(`[[:foo:]]`)"#,
        r#"error while parsing rule PathRegexp(`[[:foo:]]`): adding rule PathRegexp(`[[:foo:]]`): error while adding rule PathRegexp: compiling PathPrefix matcher: error parsing regexp: invalid character class range: `[:foo:]`"#,
    ),
    (
        r#"PathRegexp(`\pX`)"#,
        r#"error while parsing rule PathRegexp(`\pX`): adding rule PathRegexp(`\pX`): error while adding rule PathRegexp: compiling PathPrefix matcher: error parsing regexp: invalid character class range: `\pX`"#,
    ),
    (
        r#"PathRegexp(`a{2}{3}`)"#,
        r#"error while parsing rule PathRegexp(`a{2}{3}`): adding rule PathRegexp(`a{2}{3}`): error while adding rule PathRegexp: compiling PathPrefix matcher: error parsing regexp: invalid nested repetition operator: `{2}{3}`"#,
    ),
    (
        r#"PathRegexp(`a*?*`)"#,
        r#"error while parsing rule PathRegexp(`a*?*`): adding rule PathRegexp(`a*?*`): error while adding rule PathRegexp: compiling PathPrefix matcher: error parsing regexp: invalid nested repetition operator: `*?*`"#,
    ),
    (
        r#"PathRegexp(`(?x)abc`)"#,
        r#"error while parsing rule PathRegexp(`(?x)abc`): adding rule PathRegexp(`(?x)abc`): error while adding rule PathRegexp: compiling PathPrefix matcher: error parsing regexp: invalid or unsupported Perl syntax: `(?x`"#,
    ),
    (
        r#"PathRegexp(`(?i-)abc`)"#,
        r#"error while parsing rule PathRegexp(`(?i-)abc`): adding rule PathRegexp(`(?i-)abc`): error while adding rule PathRegexp: compiling PathPrefix matcher: error parsing regexp: invalid or unsupported Perl syntax: `(?i-)`"#,
    ),
    (
        r#"PathRegexp(`\8`)"#,
        r#"error while parsing rule PathRegexp(`\8`): adding rule PathRegexp(`\8`): error while adding rule PathRegexp: compiling PathPrefix matcher: error parsing regexp: invalid escape sequence: `\8`"#,
    ),
    (
        r#"PathRegexp(`\1`)"#,
        r#"error while parsing rule PathRegexp(`\1`): adding rule PathRegexp(`\1`): error while adding rule PathRegexp: compiling PathPrefix matcher: error parsing regexp: invalid escape sequence: `\1`"#,
    ),
    (
        r#"PathRegexp(`\x{zz}`)"#,
        r#"error while parsing rule PathRegexp(`\x{zz}`): adding rule PathRegexp(`\x{zz}`): error while adding rule PathRegexp: compiling PathPrefix matcher: error parsing regexp: invalid escape sequence: `\x{z`"#,
    ),
    (
        r#"PathRegexp(`|*`)"#,
        r#"error while parsing rule PathRegexp(`|*`): adding rule PathRegexp(`|*`): error while adding rule PathRegexp: compiling PathPrefix matcher: error parsing regexp: missing argument to repetition operator: `*`"#,
    ),
    (
        r#"PathRegexp(`(*)`)"#,
        r#"error while parsing rule PathRegexp(`(*)`): adding rule PathRegexp(`(*)`): error while adding rule PathRegexp: compiling PathPrefix matcher: error parsing regexp: missing argument to repetition operator: `*`"#,
    ),
    (
        r#"PathRegexp(`a{1,999999999}`)"#,
        r#"error while parsing rule PathRegexp(`a{1,999999999}`): adding rule PathRegexp(`a{1,999999999}`): error while adding rule PathRegexp: compiling PathPrefix matcher: error parsing regexp: invalid repeat count: `{1,999999999}`"#,
    ),
    (
        r#"PathRegexp(`[a`)"#,
        r#"error while parsing rule PathRegexp(`[a`): adding rule PathRegexp(`[a`): error while adding rule PathRegexp: compiling PathPrefix matcher: error parsing regexp: missing closing ]: `[a`"#,
    ),
    (
        r#"PathRegexp(`[\q]`)"#,
        r#"error while parsing rule PathRegexp(`[\q]`): adding rule PathRegexp(`[\q]`): error while adding rule PathRegexp: compiling PathPrefix matcher: error parsing regexp: invalid escape sequence: `\q`"#,
    ),
    (
        r#"PathRegexp(`\p{Foo}`)"#,
        r#"error while parsing rule PathRegexp(`\p{Foo}`): adding rule PathRegexp(`\p{Foo}`): error while adding rule PathRegexp: compiling PathPrefix matcher: error parsing regexp: invalid character class range: `\p{Foo}`"#,
    ),
    (
        r#"PathRegexp(`\p{Greek`)"#,
        r#"error while parsing rule PathRegexp(`\p{Greek`): adding rule PathRegexp(`\p{Greek`): error while adding rule PathRegexp: compiling PathPrefix matcher: error parsing regexp: invalid character class range: `\p{Greek`"#,
    ),
    (
        r#"PathRegexp(`(?P<na`)"#,
        r#"error while parsing rule PathRegexp(`(?P<na`): adding rule PathRegexp(`(?P<na`): error while adding rule PathRegexp: compiling PathPrefix matcher: error parsing regexp: invalid named capture: `(?P<na`"#,
    ),
];

#[test]
fn error_texts_match_traefik() {
    for (rule, expected) in CASES {
        match Rule::parse(rule) {
            Ok(_) => panic!("{rule:?} should be rejected"),
            Err(e) => assert_eq!(e.to_string(), *expected, "rule {rule:?}"),
        }
    }
}

#[test]
fn observed_unknown_matcher_text() {
    let e = Rule::parse("Host(`x.local`) && Foo(`bar`)")
        .err()
        .map(|e| e.to_string());
    assert_eq!(
        e.as_deref(),
        Some(
            "error while parsing rule Host(`x.local`) && Foo(`bar`): parsing rule Host(`x.local`) && Foo(`bar`): \
             unsupported function: Foo"
        )
    );
}

#[test]
fn limpet_specific_texts() {
    let text = |rule: &str| {
        Rule::parse(rule)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    };
    assert!(text(r#"Path("/\xff")"#)
        .ends_with("invalid UTF-8 in string literal (not supported by limpet)"));
    let deep = format!("{}Host(`a`){}", "(".repeat(2000), ")".repeat(2000));
    assert!(text(&deep).ends_with(
        "1:101: rule too deeply nested (more than 100 levels of parentheses, `!` or calls)"
    ));
    assert!(Rule::parse(&format!("{}Host(`a`){}", "(".repeat(99), ")".repeat(99))).is_ok());
    let long = vec!["Host(`a`)"; 1500].join(" || ");
    assert!(text(&long).ends_with("rule too long (more than 1000 operators)"));
    assert!(Rule::parse(&vec!["Host(`a`)"; 1001].join(" || ")).is_ok());
}
