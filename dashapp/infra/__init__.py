"""What the dashboard stands on: caches, background jobs, sessions, files on disk, and the
guards every request passes (rate limit, upload limits, security headers). Nothing here
knows about pages or REST routes."""
