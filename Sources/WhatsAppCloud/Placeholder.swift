import Crypto
import AsyncHTTPClient
enum WhatsAppCloudPlaceholder {}
