//! Files: open and save a scenario, export the selected stream's metrics as CSV and the window as
//! PNG. Every path is typed (and so reachable without a dialog); errors become notices.

use super::view::StreamView;
use kinescope_core::live::SharedWorld;
use kinescope_core::settings::{AccountOverrides, Settings};
use kinescope_core::sim::scenario::Scenario;
use kinescope_core::sim::simulation::Simulation;
use std::path::Path;

/// Opens `path` as the running scenario, starting at the current virtual time.
pub fn open_scenario(
    world: &SharedWorld,
    path: &Path,
    command_line: &AccountOverrides,
) -> Result<String, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("Cannot read {}: {e}", path.display()))?;
    let scenario = Scenario::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let name = scenario.name.clone();
    world.load(simulation_from_now(world, scenario, command_line));
    Ok(format!("Opened scenario {name} from {}", path.display()))
}

/// `scenario` ready to replace what runs: starting at the world's now (to the whole second,
/// as a headless run starts), with `command_line`'s account settings over the scenario's.
pub fn simulation_from_now(
    world: &SharedWorld,
    scenario: Scenario,
    command_line: &AccountOverrides,
) -> Simulation {
    let now_ms = world.read_running(|w, _| w.now_ms());
    simulation_at(scenario, command_line, now_ms - now_ms.rem_euclid(1_000))
}

/// As [`simulation_from_now`], from the world's next whole minute: what depends on the minute
/// (a `FLOOR(ROWTIME TO MINUTE)` window) then falls where a headless run, which starts on a whole
/// day, finds it — so a lesson judges in the app what `kinescope lessons check` judges.
pub fn simulation_from_next_minute(
    world: &SharedWorld,
    scenario: Scenario,
    command_line: &AccountOverrides,
) -> Simulation {
    let now_ms = world.read_running(|w, _| w.now_ms());
    let minute = 60_000;
    simulation_at(
        scenario,
        command_line,
        now_ms + (minute - now_ms.rem_euclid(minute)) % minute,
    )
}

fn simulation_at(
    scenario: Scenario,
    command_line: &AccountOverrides,
    start_epoch_ms: i64,
) -> Simulation {
    let seed = scenario.seed;
    let settings = scenario.settings.then(command_line).apply_to(Settings {
        start_epoch_ms,
        ..Settings::default()
    });
    Simulation::with_settings(scenario, seed, settings)
}

/// Saves the running scenario (with the producers' current settings) to `path`.
pub fn save_scenario(world: &SharedWorld, path: &Path) -> Result<String, String> {
    let scenario = world
        .read_running(|_, sim| sim.map(Simulation::current_scenario))
        .ok_or("No scenario is running")?;
    let json = serde_json::to_string_pretty(&scenario)
        .map_err(|e| format!("Cannot encode the scenario: {e}"))?;
    std::fs::write(path, json).map_err(|e| format!("Cannot write {}: {e}", path.display()))?;
    Ok(format!(
        "Saved scenario {} to {}",
        scenario.name,
        path.display()
    ))
}

/// Writes the stream's per-second metrics as CSV.
pub fn export_csv(stream: &StreamView, path: &Path) -> Result<String, String> {
    let mut csv = String::from("epoch_second,IncomingRecords,WriteProvisionedThroughputExceeded\n");
    for ([second, records], [_, throttled]) in
        stream.incoming_records.iter().zip(&stream.write_throttles)
    {
        csv.push_str(&format!("{second},{records},{throttled}\n"));
    }
    std::fs::write(path, csv).map_err(|e| format!("Cannot write {}: {e}", path.display()))?;
    Ok(format!(
        "Exported {} seconds of {} to {}",
        stream.incoming_records.len(),
        stream.name,
        path.display()
    ))
}

/// Writes a captured window image as PNG.
pub fn save_png(image: &egui::ColorImage, path: &Path) -> Result<String, String> {
    let [width, height] = image.size;
    image::save_buffer(
        path,
        image.as_raw(),
        width as u32,
        height as u32,
        image::ColorType::Rgba8,
    )
    .map_err(|e| format!("Cannot write {}: {e}", path.display()))?;
    Ok(format!("Saved {width}x{height} PNG to {}", path.display()))
}
