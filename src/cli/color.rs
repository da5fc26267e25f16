//! `--color`: whether the human report is coloured.

use std::ffi::OsString;

use clap::ValueEnum;

/// When to colour the human output.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// When the output is a terminal, unless the environment says otherwise
    #[default]
    Auto,
    /// Always, whatever the environment says
    Always,
    /// Never, whatever the environment says
    Never,
}

/// True when the output is to be coloured. `always` and `never` win over
/// the environment. `auto` colours a terminal; in it `FORCE_COLOR` or
/// `CLICOLOR_FORCE` set to anything but empty or `0` colour any output,
/// NO_COLOR set and not empty colours none, and forcing wins over NO_COLOR:
/// it is the more specific wish. `env` reads an environment variable.
pub fn wanted(choice: ColorChoice, terminal: bool, env: impl Fn(&str) -> Option<OsString>) -> bool {
    let set = |name: &str| env(name).is_some_and(|value| !value.is_empty());
    let forced = |name: &str| set(name) && env(name).is_some_and(|value| value != "0");
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto if forced("FORCE_COLOR") || forced("CLICOLOR_FORCE") => true,
        ColorChoice::Auto => terminal && !set("NO_COLOR"),
    }
}

/// [`wanted`], reading the process's environment.
pub fn wanted_here(choice: ColorChoice, terminal: bool) -> bool {
    wanted(choice, terminal, |name| std::env::var_os(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| OsString::from(v))
        }
    }

    #[test]
    fn auto_colours_a_terminal_unless_no_color_is_set() {
        use ColorChoice::Auto;
        assert!(wanted(Auto, true, with(&[])));
        assert!(!wanted(Auto, false, with(&[])));
        assert!(!wanted(Auto, true, with(&[("NO_COLOR", "1")])));
        assert!(wanted(Auto, true, with(&[("NO_COLOR", "")])));
        assert!(!wanted(Auto, true, with(&[("NO_COLOR", "0")])));
    }

    #[test]
    fn forcing_colours_any_output_in_auto() {
        use ColorChoice::Auto;
        for force in ["FORCE_COLOR", "CLICOLOR_FORCE"] {
            assert!(wanted(Auto, false, with(&[(force, "1")])), "{force}");
            assert!(wanted(Auto, false, with(&[(force, "true")])), "{force}");
            assert!(!wanted(Auto, false, with(&[(force, "0")])), "{force}");
            assert!(!wanted(Auto, false, with(&[(force, "")])), "{force}");
            assert!(
                wanted(Auto, true, with(&[(force, "1"), ("NO_COLOR", "1")])),
                "{force} over NO_COLOR"
            );
            assert!(
                !wanted(Auto, true, with(&[(force, "0"), ("NO_COLOR", "1")])),
                "{force}=0 forces nothing"
            );
        }
    }

    #[test]
    fn always_and_never_win_over_the_environment() {
        let all = [
            ("NO_COLOR", "1"),
            ("FORCE_COLOR", "1"),
            ("CLICOLOR_FORCE", "1"),
        ];
        for terminal in [true, false] {
            assert!(wanted(
                ColorChoice::Always,
                terminal,
                with(&[("NO_COLOR", "1")])
            ));
            assert!(!wanted(ColorChoice::Never, terminal, with(&all)));
            assert!(wanted(ColorChoice::Always, terminal, with(&[])));
        }
    }
}
