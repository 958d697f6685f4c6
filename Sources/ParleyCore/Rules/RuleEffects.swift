/// What a rule's actions do to a ticket: field changes, comments, and side effects run after the save.
public struct RuleEffects: Sendable, Equatable {
    public var update = TicketUpdate()
    public var comments: [NewComment] = []
    /// `notification_webhook` actions: the webhook's id and the rendered body.
    public var webhooks: [Webhook] = []
    /// `whatsapp_template` actions: `{"name", "language", "parameters"}` with placeholders rendered.
    public var templates: [JSONValue] = []

    public struct Webhook: Sendable, Equatable {
        public var id: String
        public var body: String
        public init(id: String, body: String) {
            self.id = id
            self.body = body
        }
    }

    public init() {}

    public var isEmpty: Bool { update.isEmpty && comments.isEmpty && webhooks.isEmpty && templates.isEmpty }
}
