"""Imported last by the parse workers' server (the forkserver, after the parser and its libraries): what the server
holds is moved out of the garbage collector's reach (``gc.freeze``) there, once. Each worker forked from it then
starts with those objects frozen: its own first collection (workers.tune_garbage_collector) walks only what the
worker made, and leaves the server's pages unwritten (copy-on-write) instead of touching every imported object."""

import gc

gc.collect()
gc.freeze()
