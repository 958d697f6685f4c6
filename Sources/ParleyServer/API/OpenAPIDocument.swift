import ParleyCore
import Vapor

/// `GET /api/v2/openapi.json`: the API described in OpenAPI 3.0, for clients and for schemathesis.
enum OpenAPIDocument {
    static func route(_ routes: RoutesBuilder) {
        routes.get("api", "v2", "openapi") { req -> JSONValue in make(serverURL: req.baseURL) }
    }

    private static func ref(_ name: String) -> JSONValue { ["$ref": .string("#/components/schemas/\(name)")] }
    private static func envelope(_ key: String, _ schema: JSONValue) -> JSONValue {
        ["type": "object", "required": [.string(key)], "properties": [key: schema]]
    }
    private static func json(_ schema: JSONValue) -> JSONValue { ["application/json": ["schema": schema]] }
    private static let errorResponses: [String: JSONValue] = [
        "400": ["description": "Malformed request", "content": json(ref("Error"))],
        "401": ["description": "Not authenticated", "content": json(ref("Error"))],
        "403": ["description": "Not allowed", "content": json(ref("Error"))],
        "404": ["description": "Not found", "content": json(ref("Error"))],
        "422": ["description": "Invalid record", "content": json(ref("Error"))],
        "429": ["description": "Too many attempts", "content": json(ref("Error"))],
    ]

    private static func operation(_ summary: String, parameters: [JSONValue] = [], body: JSONValue? = nil,
                                  status: String = "200", response: JSONValue? = nil) -> JSONValue {
        var responses = errorResponses
        responses[status] = response.map { ["description": "OK", "content": json($0)] } ?? ["description": "OK"]
        var object: [String: JSONValue] = ["summary": .string(summary), "responses": .object(responses)]
        if !parameters.isEmpty { object["parameters"] = .array(parameters) }
        if let body { object["requestBody"] = ["required": true, "content": json(body)] }
        return .object(object)
    }

    private static func pathID(_ name: String) -> JSONValue {
        ["name": .string(name), "in": "path", "required": true, "schema": ["type": "integer", "minimum": 1]]
    }
    private static let paging: [JSONValue] = [
        ["name": "page", "in": "query", "schema": ["type": "integer", "minimum": 1]],
        ["name": "per_page", "in": "query", "schema": ["type": "integer", "minimum": 1, "maximum": 100]],
        ["name": "sort_by", "in": "query", "schema": ["type": "string", "enum": ["id", "created_at", "updated_at"]]],
        ["name": "sort_order", "in": "query", "schema": ["type": "string", "enum": ["asc", "desc"]]],
    ]

    static func make(serverURL: String) -> JSONValue {
        let ticketWrite: JSONValue = ["type": "object", "properties": [
            "subject": ["type": "string"], "status": ["type": "string", "enum": ["new", "open", "pending", "hold", "solved", "closed"]],
            "priority": ["type": "string", "nullable": true, "enum": ["low", "normal", "high", "urgent"]],
            "type": ["type": "string", "nullable": true, "enum": ["problem", "incident", "question", "task"]],
            "tags": ["type": "array", "items": ["type": "string"]], "requester_id": ["type": "integer"],
            "assignee_id": ["type": "integer", "nullable": true], "group_id": ["type": "integer", "nullable": true],
            "comment": ["type": "object", "properties": ["body": ["type": "string"], "public": ["type": "boolean"],
                                                          "uploads": ["type": "array", "items": ["type": "string"]]]],
            "requester": ["type": "object", "properties": ["name": ["type": "string"], "email": ["type": "string"]]],
            "macro_ids": ["type": "array", "items": ["type": "integer"]],
        ]]
        let userWrite: JSONValue = ["type": "object", "properties": [
            "name": ["type": "string"], "email": ["type": "string"], "phone": ["type": "string"],
            "role": ["type": "string", "enum": ["end-user", "agent", "admin"]], "notes": ["type": "string"],
        ]]
        let ruleWrite: JSONValue = ["type": "object", "properties": [
            "title": ["type": "string"], "active": ["type": "boolean"], "position": ["type": "integer"],
            "conditions": ["type": "object", "properties": ["all": ["type": "array", "items": ref("Condition")],
                                                             "any": ["type": "array", "items": ref("Condition")]]],
            "actions": ["type": "array", "items": ["type": "object", "properties": ["field": ["type": "string"], "value": [:]]]],
        ]]
        var paths: [String: JSONValue] = [
            "/api/v2/tickets": ["get": operation("List tickets", parameters: paging, response: ref("TicketList")),
                                "post": operation("Create a ticket", body: envelope("ticket", ticketWrite), status: "201",
                                                  response: envelope("ticket", ref("Ticket")))],
            "/api/v2/tickets/{ticket_id}": ["get": operation("Show a ticket", parameters: [pathID("ticket_id")], response: envelope("ticket", ref("Ticket"))),
                                            "put": operation("Update a ticket (a comment, fields, macros)", parameters: [pathID("ticket_id")],
                                                             body: envelope("ticket", ticketWrite), response: envelope("ticket", ref("Ticket"))),
                                            "delete": operation("Delete a ticket", parameters: [pathID("ticket_id")], status: "204")],
            "/api/v2/tickets/{ticket_id}/comments": ["get": operation("List comments", parameters: [pathID("ticket_id")] + paging)],
            "/api/v2/tickets/{ticket_id}/audits": ["get": operation("List audits (the event log)", parameters: [pathID("ticket_id")] + paging)],
            "/api/v2/users": ["get": operation("List users", parameters: paging),
                              "post": operation("Create a user", body: envelope("user", userWrite), status: "201")],
            "/api/v2/users/me": ["get": operation("The signed-in user")],
            "/api/v2/users/{user_id}": ["get": operation("Show a user", parameters: [pathID("user_id")]),
                                        "put": operation("Update a user", parameters: [pathID("user_id")], body: envelope("user", userWrite))],
            "/api/v2/users/search": ["get": operation("Search users", parameters: [["name": "query", "in": "query", "required": true, "schema": ["type": "string"]]])],
            "/api/v2/groups": ["get": operation("List groups", parameters: paging),
                               "post": operation("Create a group", body: envelope("group", ["type": "object", "properties": ["name": ["type": "string"]]]), status: "201")],
            "/api/v2/groups/{group_id}": ["get": operation("Show a group", parameters: [pathID("group_id")])],
            "/api/v2/macros": ["get": operation("List macros"), "post": operation("Create a macro", body: envelope("macro", ruleWrite), status: "201")],
            "/api/v2/triggers": ["get": operation("List triggers"), "post": operation("Create a trigger", body: envelope("trigger", ruleWrite), status: "201")],
            "/api/v2/automations": ["get": operation("List automations"),
                                    "post": operation("Create an automation", body: envelope("automation", ruleWrite), status: "201")],
            "/api/v2/search": ["get": operation("Search tickets", parameters: [["name": "query", "in": "query", "required": true, "schema": ["type": "string"]]] + paging)],
            "/api/v2/parley/views": ["get": operation("Ticket views with counts")],
            "/api/v2/channels/whatsapp/templates": ["get": operation("WhatsApp templates")],
        ]
        paths["/api/v2/account/settings"] = ["get": operation("Account settings")]
        return [
            "openapi": "3.0.3",
            "info": ["title": "Parley API", "version": "2",
                     "description": "Zendesk-compatible helpdesk API with a WhatsApp channel. A .json suffix on paths is optional."],
            "servers": [["url": .string(serverURL)]],
            "security": [["basic": []], ["bearer": []]],
            "paths": .object(paths),
            "components": [
                "securitySchemes": ["basic": ["type": "http", "scheme": "basic",
                                              "description": "email/token:API_TOKEN, or email:password"],
                                    "bearer": ["type": "http", "scheme": "bearer"]],
                "schemas": [
                    "Error": ["type": "object", "required": ["error"], "properties": [
                        "error": ["type": "string"], "description": ["type": "string"], "details": ["type": "object"]]],
                    "Ticket": ["type": "object", "required": ["id", "status"], "properties": [
                        "id": ["type": "integer"], "subject": ["type": "string", "nullable": true], "status": ["type": "string"],
                        "tags": ["type": "array", "items": ["type": "string"]]]],
                    "TicketList": ["type": "object", "required": ["tickets"], "properties": [
                        "tickets": ["type": "array", "items": ref("Ticket")], "count": ["type": "integer"]]],
                    "Condition": ["type": "object", "properties": ["field": ["type": "string"], "operator": ["type": "string"], "value": [:]]],
                ],
            ],
        ]
    }
}
