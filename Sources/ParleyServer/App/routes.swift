import Vapor

func routes(_ app: Application) throws {
    try app.register(collection: HealthController())
    try app.register(collection: MetricsController())
    try app.register(collection: SessionController())
    try app.register(collection: WebhookController())
    OpenAPIDocument.route(app)
    try app.register(collection: WebController(root: app.parley.settings.publicDirectory ?? WebController.bundledRoot))

    let api = app.grouped("api", "v2").grouped(APIAuthenticator())
    try api.register(collection: TicketsController())
    try api.register(collection: UsersController())
    try api.register(collection: GroupsController())
    try api.register(collection: UploadsController())
    try api.register(collection: APITokensController())
    try api.register(collection: AccountSettingsController())
    try api.register(collection: WhatsAppIntegrationsController())
    try api.register(collection: WhatsAppTemplatesController())
    try api.register(collection: LiveController())
    try api.register(collection: RulesController(kind: .trigger))
    try api.register(collection: RulesController(kind: .automation))
    try api.register(collection: RulesController(kind: .macro))
    try api.register(collection: WebhooksController())
    try api.register(collection: ViewsController())
}
