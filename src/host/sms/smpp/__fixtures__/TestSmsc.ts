import type { AddressInfo, Socket } from 'node:net';
import smpp, { type PDU, type PduFields, type Server, type Session } from 'smpp';

/** A bind the SMSC received. */
export interface SmscBind {
  command: string;
  systemId: string;
  password: string;
  systemType: string;
  interfaceVersion: number;
}

/**
 * A `submit_sm` as this fixture read it from the wire itself (not through the package's
 * decoder), so tests check the octets the transport really sent.
 */
export interface SmscSubmit {
  sequence: number;
  sourceTon: number;
  sourceNpi: number;
  source: string;
  destTon: number;
  destNpi: number;
  destination: string;
  esmClass: number;
  registeredDelivery: number;
  dataCoding: number;
  shortMessage: Buffer;
}

/** How the SMSC answers a submit: a status (default `ESME_ROK`) and message id, or not yet. */
export type SubmitReply = { status?: number; messageId?: string } | 'hold';

/** A submit whose response the test releases by hand. */
export interface HeldSubmit {
  submit: SmscSubmit;
  respond(reply?: { status?: number; messageId?: string }): void;
}

/**
 * A local SMSC for tests, built on the `smpp` package's server on 127.0.0.1 (plain, or TLS
 * with `key` and `cert`). It checks credentials, records binds, submits (decoded from raw
 * octets), `enquire_link`s and `unbind`s, answers submits as `reply` says (holding some when
 * asked), and can drop every connection or send `deliver_sm` to the client.
 */
export class TestSmsc {
  readonly binds: SmscBind[] = [];
  readonly submits: SmscSubmit[] = [];
  readonly held: HeldSubmit[] = [];
  credentials = { systemId: 'combopay', password: 'pw12345' };
  /** When set, every bind is refused with this status. */
  bindStatus: number | undefined;
  answerEnquireLink = true;
  /** False: binds are recorded and never answered. */
  answerBinds = true;
  /** True: held submits are answered (accepted) before the `unbind_resp`, as SMPP asks. */
  flushOnUnbind = false;
  reply: (submit: SmscSubmit) => SubmitReply = () => ({});
  enquireLinks = 0;
  unbinds = 0;
  /** Connections closed so far (by either side). */
  closedConnections = 0;
  /** The most `submit_sm` ever unanswered at once. */
  maxOutstanding = 0;
  #outstanding = 0;
  #nextId = 1;
  readonly #server: Server;
  readonly #sessions = new Set<Session>();
  #bound: Session | undefined;

  private constructor(tls: { key: string; cert: string } | undefined) {
    this.#server = smpp.createServer(tls ?? {}, (session) => {
      this.#accept(session);
    });
  }

  static async start(tls?: { key: string; cert: string }): Promise<TestSmsc> {
    const smsc = new TestSmsc(tls);
    await new Promise<void>((resolve) => {
      smsc.#server.listen(0, '127.0.0.1', resolve);
    });
    return smsc;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  /** Open connections. */
  get connections(): number {
    return this.#sessions.size;
  }

  /** Destroys every connection, as an SMSC that crashes or a network that breaks. */
  dropConnections(): void {
    for (const session of this.#sessions) session.destroy();
  }

  /** Sends a `deliver_sm` on the bound connection; resolves with the client's response. */
  sendDeliverSm(fields: PduFields): Promise<PDU> {
    return this.#request('deliver_sm', fields);
  }

  /** Sends a delivery receipt in ASCII with `data_coding` 0, as SMSCs write them. */
  sendReceipt(text: string, tlvs: PduFields = {}): Promise<PDU> {
    return this.sendDeliverSm({
      source_addr: '8613800138000',
      esm_class: 0x04,
      data_coding: 0,
      short_message: Buffer.from(text, 'latin1'),
      ...tlvs,
    });
  }

  sendEnquireLink(): Promise<PDU> {
    return this.#request('enquire_link', {});
  }

  sendUnbind(): Promise<PDU> {
    return this.#request('unbind', {});
  }

  async close(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((resolve) => {
      this.#server.close(() => {
        resolve();
      });
    });
  }

  #request(command: string, fields: PduFields): Promise<PDU> {
    const session = this.#bound;
    if (!session) return Promise.reject(new Error('no bound client'));
    return new Promise((resolve, reject) => {
      if (!session.send(new smpp.PDU(command, fields), resolve)) reject(new Error('not writable'));
    });
  }

  #accept(session: Session): void {
    this.#sessions.add(session);
    const raw = new Map<number, SmscSubmit>();
    const mine = new Set<HeldSubmit>();
    tapPdus(session.socket, (pdu) => {
      if (pdu.readUInt32BE(4) === 0x04) {
        raw.set(pdu.readUInt32BE(12), readSubmit(pdu));
      }
    });
    session.on('error', () => undefined);
    session.on('close', () => {
      this.#sessions.delete(session);
      if (this.#bound === session) this.#bound = undefined;
      this.closedConnections += 1;
      // Responses held for a dead connection will never be sent.
      for (const entry of mine) {
        this.held.splice(this.held.indexOf(entry), 1);
        this.#outstanding -= 1;
      }
    });
    const onBind = (pdu: PDU) => {
      const bind: SmscBind = {
        command: pdu.command,
        systemId: String(pdu.system_id),
        password: String(pdu.password),
        systemType: String(pdu.system_type),
        interfaceVersion: Number(pdu.interface_version),
      };
      this.binds.push(bind);
      if (!this.answerBinds) return;
      const status =
        this.bindStatus ??
        (bind.systemId !== this.credentials.systemId
          ? smpp.errors.ESME_RINVSYSID
          : bind.password !== this.credentials.password
            ? smpp.errors.ESME_RINVPASWD
            : 0);
      if (status) {
        session.send(pdu.response({ command_status: status }));
        session.close();
        return;
      }
      this.#bound = session;
      session.send(pdu.response({ system_id: 'TestSmsc' }));
    };
    session.on('bind_transmitter', onBind);
    session.on('bind_transceiver', onBind);
    session.on('enquire_link', (pdu: PDU) => {
      this.enquireLinks += 1;
      if (this.answerEnquireLink) session.send(pdu.response());
    });
    session.on('unbind', (pdu: PDU) => {
      this.unbinds += 1;
      if (this.flushOnUnbind) for (const entry of [...mine]) entry.respond();
      session.send(pdu.response());
      session.close();
    });
    session.on('submit_sm', (pdu: PDU) => {
      const submit = raw.get(pdu.sequence_number);
      raw.delete(pdu.sequence_number);
      if (!submit) throw new Error('submit_sm not seen on the wire');
      this.submits.push(submit);
      this.#outstanding += 1;
      this.maxOutstanding = Math.max(this.maxOutstanding, this.#outstanding);
      let answered = false;
      const respond = (reply: { status?: number; messageId?: string } = {}) => {
        if (answered) return;
        answered = true;
        this.#outstanding -= 1;
        const status = reply.status ?? 0;
        session.send(
          pdu.response(
            status
              ? { command_status: status }
              : { message_id: reply.messageId ?? `m${this.#nextId++}` },
          ),
        );
      };
      const decision = this.reply(submit);
      if (decision !== 'hold') {
        respond(decision);
        return;
      }
      const entry: HeldSubmit = {
        submit,
        respond: (reply) => {
          mine.delete(entry);
          this.held.splice(this.held.indexOf(entry), 1);
          respond(reply);
        },
      };
      mine.add(entry);
      this.held.push(entry);
    });
  }
}

/**
 * Calls `onPdu` with every whole PDU read from `socket`. The package reads the socket with
 * `read()` in its `readable` handler; a `data` listener sees those same chunks without
 * switching the stream to flowing mode, just before the package parses them.
 */
function tapPdus(socket: Socket, onPdu: (pdu: Buffer) => void): void {
  let pending = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 4 && pending.length >= pending.readUInt32BE(0)) {
      const length = pending.readUInt32BE(0);
      onPdu(pending.subarray(0, length));
      pending = pending.subarray(length);
    }
  });
}

/** Reads a `submit_sm` body (SMPP 3.4 section 4.4.1) from its raw octets. */
function readSubmit(pdu: Buffer): SmscSubmit {
  let offset = 16;
  const octet = () => pdu.readUInt8(offset++);
  const cString = () => {
    const end = pdu.indexOf(0, offset);
    const text = pdu.toString('latin1', offset, end);
    offset = end + 1;
    return text;
  };
  const sequence = pdu.readUInt32BE(12);
  cString(); // service_type
  const sourceTon = octet();
  const sourceNpi = octet();
  const source = cString();
  const destTon = octet();
  const destNpi = octet();
  const destination = cString();
  const esmClass = octet();
  octet(); // protocol_id
  octet(); // priority_flag
  cString(); // schedule_delivery_time
  cString(); // validity_period
  const registeredDelivery = octet();
  octet(); // replace_if_present_flag
  const dataCoding = octet();
  octet(); // sm_default_msg_id
  const length = octet();
  const shortMessage = Buffer.from(pdu.subarray(offset, offset + length));
  return {
    sequence,
    sourceTon,
    sourceNpi,
    source,
    destTon,
    destNpi,
    destination,
    esmClass,
    registeredDelivery,
    dataCoding,
    shortMessage,
  };
}
