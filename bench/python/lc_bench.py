"""The bench's read workload through lc-sdk-python: get_agent and list_agents in turn,
sequentially and from a thread pool sharing one client, timed inside the interpreter so start-up
is not counted. Prints one JSON object."""

import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from livechat.configuration.base import ConfigurationApi


def main():
    base_url, token, calls, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    ids = sys.argv[5].split(',')
    host = base_url.split('://', 1)[-1]
    # Logging off: the SDK's fastest configuration, so the comparison does not flatter us.
    api = ConfigurationApi.get_client(token=f'Bearer {token}', version='3.6', base_url=host,
                                      disable_logging=True)
    # The client always builds an https URL from the host; the emulator speaks plain http.
    api.api_url = f'{base_url}/v3.6/configuration/action'

    def call(i):
        if i % 2 == 0:
            response = api.get_agent(id=ids[(i // 2) % len(ids)])
        else:
            response = api.list_agents()
        response.raise_for_status()
        response.json()

    for i in range(20):
        call(i)
    started = time.perf_counter()
    for i in range(calls):
        call(i)
    sequential = time.perf_counter() - started

    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(call, range(threads)))
        started = time.perf_counter()
        list(pool.map(call, range(calls)))
        concurrent = time.perf_counter() - started
    print(json.dumps({'calls': calls, 'sequential_s': sequential, 'concurrent_s': concurrent}))


if __name__ == '__main__':
    main()
