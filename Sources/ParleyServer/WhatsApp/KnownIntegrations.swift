/// The connected numbers as webhooks need them (routing, app secret, masking), read once and kept until the
/// integrations API writes one. The kept models are shared by concurrent webhooks: read, never changed (a number
/// found unhealthy is written by id, see `markUnhealthy`).
typealias KnownIntegrations = KeptUntilWritten<[WhatsAppIntegrationModel]>
