//! `aws_error!`: an error enum whose variants are a service's AWS error codes, each carrying the
//! message text AWS sends, with `code()` (the `__type`) and `message()`. Every service's error
//! type is made with it, so the wire layer renders them all the same way.

/// Declares an AWS error enum: `aws_error! { /// doc  pub enum Name { CodeA, CodeB } }`.
macro_rules! aws_error {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$variant_meta:meta])* $variant:ident),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
        #[allow(clippy::enum_variant_names)]
        pub enum $name {
            $($(#[$variant_meta])* #[error("{0}")] $variant(String),)*
        }

        impl $name {
            /// The AWS error code, as sent in `__type` and `x-amzn-ErrorType`.
            pub fn code(&self) -> &'static str {
                match self {
                    $(Self::$variant(_) => stringify!($variant),)*
                }
            }

            /// The message AWS sends with the code.
            pub fn message(&self) -> &str {
                match self {
                    $(Self::$variant(message) => message,)*
                }
            }
        }
    };
}

pub(crate) use aws_error;
