// ACM certificates in moto, for HTTPS listeners: moto's CreateListener / ModifyListener refuse a
// default certificate that ACM (or IAM) does not hold. No ACM SDK client is installed, so this
// sends ACM's JSON wire call itself (awsJson1_1, unsigned: moto does not check signatures; the
// Authorization header only carries the signing name moto routes by). Loopback only.
export async function requestMotoCertificate(motoUrl: string, domain: string): Promise<string> {
  const url = new URL(motoUrl);
  if (!['127.0.0.1', 'localhost'].includes(url.hostname)) throw new Error(`not a loopback moto: ${motoUrl}`);
  const res = await fetch(motoUrl, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': 'CertificateManager.RequestCertificate',
      Authorization: 'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/acm/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: JSON.stringify({ DomainName: domain, ValidationMethod: 'DNS' }),
  });
  const body = (await res.json()) as { CertificateArn?: string };
  if (!res.ok || body.CertificateArn === undefined) throw new Error(`moto RequestCertificate ${domain}: ${res.status} ${JSON.stringify(body)}`);
  return body.CertificateArn;
}
