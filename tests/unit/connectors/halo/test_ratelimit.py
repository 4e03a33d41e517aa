from halo_accounts.connectors.halo.ratelimit import RollingWindowLimiter


class VirtualTime:
    def __init__(self):
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def test_limiter_waits_only_when_the_window_is_full():
    time = VirtualTime()
    limiter = RollingWindowLimiter(3, 10.0, clock=time.clock, sleep=time.sleep)
    for _ in range(3):
        limiter.acquire()
        time.now += 1
    assert time.sleeps == []
    limiter.acquire()  # the 4th waits until the 1st (at t=0) leaves the window
    assert time.sleeps == [7.0]
    assert time.now == 10.0
    assert limiter.acquired == 4


def test_limiter_never_exceeds_the_limit_in_any_window():
    time = VirtualTime()
    limiter = RollingWindowLimiter(300, 300.0, clock=time.clock, sleep=time.sleep)
    stamps = []
    for _ in range(1000):
        limiter.acquire()
        stamps.append(time.now)
        time.now += 0.01
    for i, start in enumerate(stamps):
        in_window = [s for s in stamps[i:] if s < start + 300.0]
        assert len(in_window) <= 300
    # 1000 requests at 300 per 5 minutes take at least three full windows.
    assert stamps[-1] >= 900.0


def test_no_limit_never_sleeps():
    time = VirtualTime()
    limiter = RollingWindowLimiter(None, 300.0, clock=time.clock, sleep=time.sleep)
    for _ in range(5000):
        limiter.acquire()
    assert time.sleeps == []
    assert limiter.acquired == 5000


def test_hold_off_pauses_and_is_counted():
    time = VirtualTime()
    limiter = RollingWindowLimiter(10, 60.0, clock=time.clock, sleep=time.sleep)
    limiter.hold_off(12.5)
    assert time.sleeps == [12.5]
    assert limiter.waited_seconds == 12.5
