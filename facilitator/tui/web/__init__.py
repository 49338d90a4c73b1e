"""`facilitator serve`: the projector view and the facilitator seat in a browser.

An optional extra (`pip install 'facilitator[serve]'`, textual-serve and aiohttp). Each
browser tab that opens a seat runs that seat's ordinary command (`facilitator show ...`,
`facilitator run ...`) as its own process, driven over a websocket. `seats` and `access`
are pure (standard library only); `server` needs the extra and is imported only by the
`serve` command once it has checked the extra is installed.
"""
