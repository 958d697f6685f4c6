import Vapor
import WhatsAppCloud
enum WhatsAppSimulatorPlaceholder {}
