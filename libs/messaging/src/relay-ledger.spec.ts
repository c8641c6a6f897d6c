import { RelayLedger } from './relay-ledger';

describe('RelayLedger', () => {
  it('keeps acknowledged rows to mark until a mark succeeds, without counting them as republished', () => {
    const ledger = new RelayLedger();
    ledger.read(['1', '2', '3']);
    ledger.sending(['1', '2', '3']);
    ledger.sent(['1', '2', '3']);
    expect(ledger.toMark).toEqual(['1', '2', '3']);
    ledger.markFailed(['1', '2', '3'], true);
    expect(ledger.toMark).toEqual(['1', '2', '3']);
    ledger.marked(['1', '2', '3'], new Set(['1', '2', '3']));
    expect(ledger.toMark).toEqual([]);
    expect(ledger.republished).toBe(0);
  });

  it('counts rows another instance had marked: it sent them too', () => {
    const ledger = new RelayLedger();
    ledger.sending(['1', '2']);
    ledger.sent(['1', '2']);
    ledger.markFailed(['1', '2'], true);
    ledger.marked(['1', '2'], new Set(['2']));
    expect(ledger.republished).toBe(1);
  });

  it('does not count rows whose own interrupted mark may have committed', () => {
    const ledger = new RelayLedger();
    ledger.sending(['1', '2']);
    ledger.sent(['1', '2']);
    ledger.markFailed(['1', '2'], false);
    ledger.marked(['1', '2'], new Set());
    expect(ledger.republished).toBe(0);
  });

  it('counts rows sent again after a failed send, once per send, and forgets rows others published meanwhile', () => {
    const ledger = new RelayLedger();
    ledger.sending(['1', '2', '3']);
    ledger.sendFailed(['1', '2', '3']);
    expect(ledger.toMark).toEqual([]);
    ledger.read(['2', '3', '4']); // 1 was published by another instance
    ledger.sending(['2', '3', '4']);
    expect(ledger.republished).toBe(2);
    ledger.sent(['2', '3', '4']);
    ledger.marked(['2', '3', '4'], new Set(['2', '3', '4']));
    ledger.read(['5']);
    ledger.sending(['5']);
    expect(ledger.republished).toBe(2);
  });
});
