"""The simulated world: callee behaviour, agents' phones, and a fake Asterisk that speaks ARI.

Where to look: `fake_asterisk.FakeAsterisk` (the server, in-process API), `server` (the
`dialer sim-pbx` command), `world` (distributions, agents' phones, per-call dice),
`numbers` (the number convention), `dialplan` (the test-world dialplan as data, same as
asterisk/extensions-test-world.conf) run by `apps`; `channels`, `bridges`, `media` and
`originate` are the call model, `recorder` the recordings and their WAV files in the spool
directory (`spool_dir`, $DIALER_SIM_SPOOL); `events` the recorded JSON shapes; `rest_channels` and
`rest_routes` the ARI routes; `event_sockets` the events websocket side; `clock` the time
scale.
"""
