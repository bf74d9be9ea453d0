/**
 * The request elements of messages.xsd: every EWS operation, implemented here or not. One without
 * a handler is refused with `ErrorInvalidRequest`; a name that is not an EWS operation at all is a
 * schema-validation fault, as Exchange answers it.
 */
export const KNOWN_EWS_OPERATIONS: ReadonlySet<string> = new Set([
  'GetFolder', 'FindFolder', 'CreateFolder', 'CreateFolderPath', 'DeleteFolder', 'UpdateFolder', 'MoveFolder', 'CopyFolder',
  'EmptyFolder', 'FindItem', 'GetItem', 'CreateItem', 'DeleteItem', 'UpdateItem', 'UpdateItemInRecoverableItems', 'MoveItem',
  'CopyItem', 'SendItem', 'ArchiveItem', 'MarkAllItemsAsRead', 'MarkAsJunk', 'GetAttachment', 'CreateAttachment',
  'DeleteAttachment', 'ResolveNames', 'ExpandDL', 'ConvertId', 'GetServerTimeZones', 'SyncFolderItems', 'SyncFolderHierarchy',
  'Subscribe', 'Unsubscribe', 'GetEvents', 'GetStreamingEvents', 'GetUserAvailabilityRequest', 'GetUserOofSettingsRequest',
  'SetUserOofSettingsRequest', 'GetRoomLists', 'GetRooms', 'GetInboxRules', 'UpdateInboxRules', 'GetDelegate', 'AddDelegate',
  'RemoveDelegate', 'UpdateDelegate', 'GetUserConfiguration', 'CreateUserConfiguration', 'UpdateUserConfiguration',
  'DeleteUserConfiguration', 'GetSharingMetadata', 'RefreshSharingFolder', 'GetSharingFolder', 'FindConversation',
  'GetConversationItems', 'ApplyConversationAction', 'GetUserPhoto', 'GetPasswordExpirationDate', 'GetServiceConfiguration',
  'GetMailTips', 'FindPeople', 'GetPersona', 'GetUserRetentionPolicyTags', 'GetAppManifests', 'GetAppMarketplaceUrl',
  'GetClientAccessToken', 'UploadItems', 'ExportItems', 'GetNonIndexableItemStatistics', 'GetNonIndexableItemDetails',
  'SetHoldOnMailboxes', 'GetHoldOnMailboxes', 'GetSearchableMailboxes', 'SearchMailboxes', 'GetDiscoverySearchConfiguration',
  'FindMessageTrackingReport', 'GetMessageTrackingReport', 'PlayOnPhone', 'GetPhoneCallInformation', 'DisconnectPhoneCall',
  'GetUMPrompt', 'GetUMPromptNames', 'CreateUMPrompt', 'DeleteUMPrompt', 'GetImItemList', 'GetImItems', 'AddImContactToGroup',
  'RemoveImContactFromGroup', 'AddImGroup', 'AddNewImContactToGroup', 'AddNewTelUriContactToGroup', 'AddDistributionGroupToImList',
  'RemoveContactFromImList', 'RemoveDistributionGroupFromImList', 'RemoveImGroup', 'SetImGroup', 'SetImListMigrationCompleted',
  'GetUserUnifiedGroups', 'GetUnifiedGroupUnseenCount', 'SetUnifiedGroupLastVisitedTime', 'FindAvailableMeetingTimes',
  'FindMeetingTimeCandidates', 'GetReminders', 'PerformReminderAction', 'SetClientExtension', 'GetClientExtension',
  'InstallApp', 'UninstallApp', 'DisableApp', 'GetLastPrivateCatalogUpdate', 'SetUserPhoto', 'GetPeopleInsights',
]);
