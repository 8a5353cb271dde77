// Package crm holds Roster's CRM domain: the Twenty-shaped record types
// (Person, Company, Opportunity, Note, Task, TimelineActivity), the metadata
// that describes their fields, custom field definitions, the filter and order
// language shared by every API, and input validation.
//
// It is pure: no SQL, no HTTP. The store compiles its filters to SQL, the
// records service applies its validation inside transactions, and the GraphQL
// and REST layers translate their wire formats into its types. Keeping the
// rules here means every front door validates the same way.
package crm
