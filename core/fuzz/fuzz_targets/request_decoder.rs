//! Fuzzes the wire layer and the engine behind it: any bytes, as the body of any operation in JSON
//! or CBOR, must decode to a command or a clean error, and any command must apply to a live world
//! without panicking. Also feeds the bytes to the event-stream decoder, the signature checks and
//! the stream-name lookup of decoded commands.
#![no_main]

use kinescope_core::api::aws_json::eventstream::decode_message;
use kinescope_core::api::auth::check_signature_present;
use kinescope_core::api::aws_json::protocol::{Format, decode};
use kinescope_core::streams::ops::lifecycle::CreateStreamInput;
use kinescope_core::{Command, Settings, World};
use libfuzzer_sys::fuzz_target;
use std::cell::RefCell;

thread_local! {
    static WORLD: RefCell<World> = RefCell::new({
        let mut world = World::new(Settings::default(), 1);
        let _ = world.apply(CreateStreamInput::provisioned("s", 2));
        world.step(1_000);
        world
    });
}

fuzz_target!(|data: &[u8]| {
    let [op, flags, body @ ..] = data else { return };
    let operation = Command::NAMES[*op as usize % Command::NAMES.len()];
    let format = if flags & 1 == 0 { Format::Json } else { Format::Cbor };
    let _ = decode_message(body);
    if let Ok(text) = std::str::from_utf8(body) {
        let _ = check_signature_present(Some(text), None, None);
        let _ = check_signature_present(None, None, Some(text));
    }
    if let Ok(command) = decode(operation, format, body) {
        let _ = command.stream_hint();
        WORLD.with(|world| {
            let mut world = world.borrow_mut();
            let _ = world.apply(command);
            world.step(u64::from(*flags >> 1) * 37);
        });
    }
});
