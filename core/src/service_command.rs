//! `service_commands!`: a service's command enum — every operation by its name, wrapping the typed
//! input [`crate::world::World::apply`] takes — with its output enum, name lookup and decoding, so
//! the wire layer, scenario timelines and recordings carry any service's calls as data.

/// Declares `$command` (tagged `{"Operation": name, "Input": {...}}`) and `$output` for the
/// listed operations, and makes `$command` an [`crate::world::Operation`] failing with `$error`.
macro_rules! service_commands {
    ($command:ident, $output:ident, $error:ty; $($op:ident($input:ty) -> $out:ty;)*) => {
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(tag = "Operation", content = "Input")]
        pub enum $command {
            $($op($input),)*
        }

        /// The typed result of a command.
        #[derive(Debug, Clone, PartialEq, serde::Serialize)]
        #[serde(untagged)]
        pub enum $output {
            $($op($out),)*
        }

        impl $command {
            /// The operation's name.
            pub fn name(&self) -> &'static str {
                match self {
                    $($command::$op(_) => stringify!($op),)*
                }
            }

            /// Decodes the input of operation `name`; `None` if there is no such operation.
            pub fn decode<'de, D: serde::Deserializer<'de>>(
                name: &str,
                input: D,
            ) -> Option<Result<$command, D::Error>> {
                match name {
                    $(stringify!($op) => Some(
                        <$input as serde::Deserialize>::deserialize(input).map($command::$op)
                    ),)*
                    _ => None,
                }
            }
        }

        impl $crate::world::Operation for $command {
            type Output = $output;
            type Error = $error;
            const SPARES_SUBSCRIPTIONS: bool = true;

            fn execute(self, world: &mut $crate::world::World) -> Result<$output, $error> {
                match self {
                    $($command::$op(input) => input.execute(world).map($output::$op),)*
                }
            }
        }
    };
}

pub(crate) use service_commands;
