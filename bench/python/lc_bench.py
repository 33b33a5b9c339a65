"""The bench's read workload through lc-sdk-python: get_agent and list_agents in turn,
sequentially and from a thread pool sharing one client, timed inside the interpreter so start-up
is not counted. An optional sixth argument `get_agent` makes every call a get_agent. Prints one
JSON object, with the process's CPU time (all threads, user + system) of each part."""

import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from livechat.configuration.base import ConfigurationApi


def main():
    base_url, token, calls, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    ids = sys.argv[5].split(',')
    only_get = len(sys.argv) > 6 and sys.argv[6] == 'get_agent'
    host = base_url.split('://', 1)[-1]
    # Logging off: the SDK's fastest configuration, so the comparison does not flatter us.
    api = ConfigurationApi.get_client(token=f'Bearer {token}', version='3.6', base_url=host,
                                      disable_logging=True)
    # The client always builds an https URL from the host; the emulator speaks plain http.
    api.api_url = f'{base_url}/v3.6/configuration/action'

    def call(i):
        if only_get or i % 2 == 0:
            response = api.get_agent(id=ids[(i // 2) % len(ids)])
        else:
            response = api.list_agents()
        response.raise_for_status()
        response.json()

    for i in range(20):
        call(i)
    cpu = time.process_time()
    started = time.perf_counter()
    for i in range(calls):
        call(i)
    sequential = time.perf_counter() - started
    sequential_cpu = time.process_time() - cpu

    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(call, range(threads)))
        cpu = time.process_time()
        started = time.perf_counter()
        list(pool.map(call, range(calls)))
        concurrent = time.perf_counter() - started
        concurrent_cpu = time.process_time() - cpu
    print(json.dumps({'calls': calls, 'sequential_s': sequential, 'concurrent_s': concurrent,
                      'sequential_cpu_s': sequential_cpu, 'concurrent_cpu_s': concurrent_cpu}))


if __name__ == '__main__':
    main()
