#!/usr/bin/env python3
"""Where a live block's round trip goes, hop by hop, from a packet capture of the loopback.

Capture while one `dawg loadtest` runs against `dawg up` (default ports), then read the capture:

    tcpdump -i lo -s 0 -w /tmp/live.pcap 'tcp port 8080 or tcp port 9091' &
    ./dawg loadtest --sessions 1 --tracks 8 --seconds 10
    kill %1
    python3 benchmarks/live/hops.py /tmp/live.pcap [--ws-port 8080] [--mix-port 9091]

Each block is followed by its sequence number through four messages: the participant's audio
frame into the gateway (WebSocket, masked), the gateway's MixRequest to the mix-service (gRPC
DATA frame), the mix-service's MixedBlock back, and the mix frame out of the gateway. The kernel's
capture timestamps split the round trip into the gateway's inbound hop, the mix-service and the
gateway's outbound hop; the load generator's own time (its WebSocket client) is what the
`dawg loadtest` figure adds on top. Standard library only (reads pcap, link types Ethernet and
Linux cooked v1).
"""
import argparse
import collections
import struct


def packets(path):
    data = open(path, 'rb').read()
    magic = struct.unpack('<I', data[:4])[0]
    if magic not in (0xa1b2c3d4, 0xa1b23c4d):
        raise SystemExit(f'{path}: not a little-endian pcap file (pcapng is not read; use tcpdump -w)')
    nano = magic == 0xa1b23c4d
    link = struct.unpack('<I', data[20:24])[0]
    strip = {1: 14, 113: 16}.get(link)
    if strip is None:
        raise SystemExit(f'{path}: link type {link} not read (capture on lo with tcpdump)')
    at = 24
    while at + 16 <= len(data):
        sec, frac, incl, _ = struct.unpack('<IIII', data[at:at + 16])
        at += 16
        frame = data[at + strip:at + incl]
        at += incl
        if len(frame) < 20 or frame[0] >> 4 != 4 or frame[9] != 6:
            continue  # IPv4 TCP only
        tcp = frame[(frame[0] & 15) * 4:]
        src, dst = struct.unpack('>HH', tcp[:4])
        payload = tcp[(tcp[12] >> 4) * 4:]
        if payload:
            yield sec + frac / (1e9 if nano else 1e6), src, dst, payload


def varint(buf, i):
    value = shift = 0
    while True:
        b = buf[i]
        i += 1
        value |= (b & 127) << shift
        shift += 7
        if b < 128:
            return value, i


def websocket_frames(buf):
    """(consumed, [(opcode, unmasked first 16 payload bytes)]) for the complete frames in buf."""
    i, out = 0, []
    while i + 2 <= len(buf):
        length, head, masked = buf[i + 1] & 127, 2, buf[i + 1] & 128
        if length == 126:
            if i + 4 > len(buf):
                break
            length, head = struct.unpack('>H', buf[i + 2:i + 4])[0], 4
        elif length == 127:
            if i + 10 > len(buf):
                break
            length, head = struct.unpack('>Q', buf[i + 2:i + 10])[0], 10
        if masked:
            head += 4
        if i + head + length > len(buf):
            break
        start = bytearray(buf[i + head:i + head + min(16, length)])
        if masked:
            mask = buf[i + head - 4:i + head]
            for k in range(len(start)):
                start[k] ^= mask[k % 4]
        out.append((buf[i] & 15, bytes(start)))
        i += head + length
    return i, out


def grpc_messages(buf):
    """(consumed, [first bytes of each gRPC message]) for the complete HTTP/2 DATA frames in buf."""
    i, out = 0, []
    if buf.startswith(b'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'):
        i = 24
    while i + 9 <= len(buf):
        length, kind = int.from_bytes(buf[i:i + 3], 'big'), buf[i + 3]
        if i + 9 + length > len(buf):
            break
        if kind == 0 and length > 5:  # DATA: a 5-byte gRPC prefix, then the protobuf message
            out.append(buf[i + 14:i + 9 + length])
        i += 9 + length
    return i, out


BLOCK_MESSAGE_BYTES = 1000  # smaller gRPC messages (open, meters, events) are not blocks


def block_sequence(message):
    """The sequence of a MixRequest{audio} or MixResponse{mix}: oneof field, length, field 1 varint."""
    try:
        size, j = varint(message, 1)
        if size >= BLOCK_MESSAGE_BYTES and message[j] == 0x08:
            return varint(message, j + 1)[0]
    except IndexError:
        pass
    return None


def main():
    args = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    args.add_argument('capture')
    args.add_argument('--ws-port', type=int, default=8080)
    args.add_argument('--mix-port', type=int, default=9091)
    a = args.parse_args()
    seen = {hop: {} for hop in ('in', 'request', 'reply', 'out')}
    pending, upgraded = collections.defaultdict(bytes), set()
    for ts, src, dst, payload in packets(a.capture):
        flow = (src, dst)
        if a.ws_port in flow:
            if payload.startswith(b'GET ') or payload.startswith(b'HTTP/1.1 101'):
                upgraded.add(flow)  # the handshake; REST calls on the same connection come before it
                payload = payload[payload.find(b'\r\n\r\n') + 4:]
                pending[flow] = b''
            if flow not in upgraded:
                continue
            used, frames = websocket_frames(pending[flow] + payload)
            hop = 'in' if dst == a.ws_port else 'out'
            for opcode, start in frames:
                if opcode == 2 and len(start) == 16 and start[0] in (1, 2):  # audio in, master mix out
                    seen[hop].setdefault(struct.unpack('<Q', start[8:16])[0], ts)
        elif a.mix_port in flow:
            used, messages = grpc_messages(pending[flow] + payload)
            hop = 'request' if dst == a.mix_port else 'reply'
            for message in messages:
                sequence = block_sequence(message)
                if sequence is not None:
                    seen[hop].setdefault(sequence, ts)
        else:
            continue
        pending[flow] = (pending[flow] + payload)[used:]
    hops = [(seen['request'][s] - t, seen['reply'][s] - seen['request'][s], seen['out'][s] - seen['reply'][s])
            for s, t in seen['in'].items() if s in seen['request'] and s in seen['reply'] and s in seen['out']]
    if not hops:
        raise SystemExit('no block followed through all four hops: was a one-participant loadtest captured on these ports?')

    def row(name, values):
        values = sorted(values)
        q = lambda p: values[int(p * (len(values) - 1))] * 1e3
        print(f'{name:<14} p50 {q(.5):7.3f}  p90 {q(.9):7.3f}  p99 {q(.99):7.3f}  p99.9 {q(.999):7.3f}  max {values[-1] * 1e3:7.3f} ms')

    print(f'{len(hops)} blocks followed through the gateway and the mix-service')
    for k, name in enumerate(('gateway in', 'mix-service', 'gateway out')):
        row(name, [h[k] for h in hops])
    row('in to out', [sum(h) for h in hops])
    slow = [h for h in hops if sum(h) > 2e-3]
    blamed = collections.Counter(('gateway in', 'mix-service', 'gateway out')[max(range(3), key=h.__getitem__)] for h in slow)
    print(f'{len(slow)} blocks over 2 ms; their longest hop: ' + ', '.join(f'{n} {c}' for n, c in blamed.most_common()))


if __name__ == '__main__':
    main()
