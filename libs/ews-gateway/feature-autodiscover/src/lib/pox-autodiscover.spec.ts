import { parseEwsXml, writeEwsXml } from '@parley/ews-gateway/soap';
import { poxErrorResponse, readPoxEmailAddress } from './pox-autodiscover';
import { PoxAutodiscoverException, PoxErrorCode } from './pox-autodiscover.exception';

const REQUEST_NS = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006';
const OUTLOOK = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a';

const request = (inner: string) => parseEwsXml(`<Autodiscover xmlns="${REQUEST_NS}"><Request>${inner}</Request></Autodiscover>`);

function codeOf(work: () => unknown): PoxErrorCode {
  try {
    work();
  } catch (error) {
    if (error instanceof PoxAutodiscoverException) return error.code;
    throw error;
  }
  throw new Error('expected a PoxAutodiscoverException');
}

describe('POX Autodiscover', () => {
  it('reads the address of an Outlook request', () => {
    expect(
      readPoxEmailAddress(
        request(`<EMailAddress> bob@example.com </EMailAddress><AcceptableResponseSchema>${OUTLOOK}</AcceptableResponseSchema>`),
      ),
    ).toBe('bob@example.com');
  });

  it('refuses what is not an Outlook request with an address and a response schema with 600, another schema with 601', () => {
    expect(codeOf(() => readPoxEmailAddress(parseEwsXml('<Autodiscover><Request/></Autodiscover>')))).toBe(PoxErrorCode.InvalidRequest);
    expect(codeOf(() => readPoxEmailAddress(request(`<AcceptableResponseSchema>${OUTLOOK}</AcceptableResponseSchema>`)))).toBe(
      PoxErrorCode.InvalidRequest,
    );
    expect(codeOf(() => readPoxEmailAddress(request('<EMailAddress>bob@example.com</EMailAddress>')))).toBe(PoxErrorCode.InvalidRequest);
    const mobile = request(
      '<EMailAddress>bob@example.com</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006</AcceptableResponseSchema>',
    );
    expect(codeOf(() => readPoxEmailAddress(mobile))).toBe(PoxErrorCode.SchemaNotAvailable);
  });

  it('writes an error in the Autodiscover response schema: time of day, server id, code, message, empty debug data', () => {
    const xml = writeEwsXml(poxErrorResponse(PoxErrorCode.InvalidRequest, new Date('2026-01-02T03:04:05.678Z')));
    // Namespace-qualified through a prefix (the writer never binds a default namespace); same infoset.
    const plain = xml.replace(/<(\/?)ns1:/g, '<$1').replace(' xmlns:ns1=', ' xmlns=');
    expect(plain).toMatch(
      /^(<\?xml[^>]*\?>)?<Autodiscover xmlns="http:\/\/schemas\.microsoft\.com\/exchange\/autodiscover\/responseschema\/2006"><Response><Error Time="03:04:05\.678" Id="\d+"><ErrorCode>600<\/ErrorCode><Message>Invalid Request<\/Message><DebugData><\/DebugData><\/Error><\/Response><\/Autodiscover>$/,
    );
  });
});
