// Package contracts sends documents for signature and keeps what happens to
// them: templates with merge fields and versions, the contract and its
// signers, the built-in signing flow (single-use links, consent, fields,
// drawn or typed signatures, an audit trail), the PDF that is rendered once
// at sending and once at completion with the values stamped in and an audit
// certificate appended, then sealed once with a CMS signature, and the
// DocuSign and Dropbox Sign adapters.
//
// Rules that live here and nowhere else: the contract and signer status
// machines, the signing order (order N+1 is invited only when all of order N
// signed), what makes a link usable, and that completion moves the linked
// opportunity exactly once however many completion events arrive.
//
// The surfaces (graph, rest, web) call Service; it never sees an HTTP
// request: the public signing page hands it the token and a Visit (address
// and user agent).
package contracts
