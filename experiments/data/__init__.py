"""Files the experiments ship: the app's trained response emulator (emulator/)."""
