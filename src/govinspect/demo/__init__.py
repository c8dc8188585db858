"""The simulated government world: sites with known defects, their server and their truth.

    build_world(as_of) -> World          five sites of 淮南市 in three markup styles
    build_cycle([d1, d2]) -> [World]     the same world a month later, some problems fixed (cycle.py)
    build_bad_sites() -> [SimSite]       misbehaving sites for robustness tests
    build_big_site(pages, ratio, seed)   one large site rendered on demand (benchmarks)
    serve_in_thread(world) / WorldServer serve them on 127.0.0.1, one port per site
    write_static(world, out_dir)         static copies for nginx
"""
