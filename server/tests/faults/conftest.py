from tests.faults.stack import redis_server

__all__ = ["redis_server"]
