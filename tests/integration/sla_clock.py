"""An SLA world with a clock the test drives: deskd --clock-file FILE takes
"now" from FILE and reads it again on SIGUSR1 (docs/SLA.md). Shared by the
SLA suites."""

import json
import os
import signal

from harness import wait_for, world

T0 = 1893456000000  # 2030-01-01T00:00:00Z
MIN = 60 * 1000
HOUR = 60 * MIN
DAY = 24 * HOUR

# Around the clock, so business time is elapsed time; targets differ per
# priority so a retarget shows.
POLICY = {
    "name": "test-24x7",
    "calendar": {"time_zone": "UTC", "hours": "around_the_clock"},
    "warning_percent": 80,
    "triage": "15m",
    "targets": {
        "P1": {"first_response": "30m", "resolution": "2h"},
        "P2": {"first_response": "1h", "resolution": "4h"},
        "P3": {"first_response": "2h", "resolution": "8h"},
        "P4": {"first_response": "4h", "resolution": "16h"},
    },
}
FIRST = {"P1": 30 * MIN, "P2": HOUR, "P3": 2 * HOUR, "P4": 4 * HOUR}
RESOLVE = {"P1": 2 * HOUR, "P2": 4 * HOUR, "P3": 8 * HOUR, "P4": 16 * HOUR}


def rfc(ms):
    import datetime
    t = datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


class FileClock:
    """Driving the clock file of a world: self.d is the (unstarted) world,
    self.clock the file's path."""

    def write_clock(self, ms):
        tmp = self.clock + ".tmp"
        with open(tmp, "w") as f:
            f.write(f"{ms}\n")
        os.replace(tmp, self.clock)
        self.now = ms

    def start(self):
        self.d.start(extra_args=("--clock-file", self.clock))
        # SIGUSR1 is handled once the SLA timers are armed, after listening
        wait_for(lambda: self.d.log_lines("sla_timers_armed"), what="sla_timers_armed")

    def restart(self):
        self.d.stop()
        self.start()

    def set(self, ms):
        """Moves the clock and waits until deskd has read it."""
        self.write_clock(ms)
        n = len(self.d.log_lines("clock_set"))
        self.d.proc.send_signal(signal.SIGUSR1)
        wait_for(lambda: len(self.d.log_lines("clock_set")) > n, what="clock_set")


class Clocked(FileClock):
    """A started world whose deskd reads its time from a file. Acme's
    contract has the test policy and escalation contacts (comma-separated;
    "" for none)."""

    def __init__(self, auto_close_days=7, escalation="boss@acme.example"):
        self.d = world(start=False)
        d = self.d
        self.clock = os.path.join(d.dir, "clock")
        policy = os.path.join(d.dir, "policy.json")
        with open(policy, "w") as f:
            json.dump(POLICY, f)
        out = d.ctl("--json", "contract", "set", "Acme", "--sla-policy", policy,
                    "--auto-close-days", str(auto_close_days),
                    "--escalation", escalation).stdout
        assert json.loads(out)["auto_close_days"] == auto_close_days
        self.now = T0
        self.write_clock(T0)
        self.start()
        self.alice = d.token_client("alice")
        self.agent = d.token_client("agent")

    def ticket(self, c=None, **extra):
        body = {"title": "Printer on fire", "description": "It smokes.",
                "request_type": "report_incident", "impact": 3, "urgency": 3}
        body.update(extra)
        r = (c or self.alice).post("/api/v1/tickets", body)
        assert r.status == 201, r
        return r.full_json["ticket"]

    def get(self, ref, c=None):
        r = (c or self.agent).get(f"/api/v1/tickets/{ref}")
        assert r.status == 200, r
        return r.full_json["ticket"]

    def sla_events(self, ref, c=None):
        return [e["new"] for e in self.get(ref, c)["timeline"]
                if e["kind"] == "field" and e.get("field") == "sla"]

    def wait_events(self, ref, want):
        return wait_for(lambda: self.sla_events(ref) == want and self.sla_events(ref),
                        what=f"sla events {want}")

    def close(self):
        self.d.close()
