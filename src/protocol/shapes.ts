/**
 * The SageMaker service model (2017-07-24) for the Partner AI App and tagging operations, as data:
 * the union of botocore 1.43.67 and the newest SDK model (IdcConfig, AuthType IDC). Regenerate from
 * shared/spec/partner-app-shapes.json; never hand-write checks for a field, add it here.
 */
import type { Model } from "./model.js";

export const model = {
  "operations": {
    "CreatePartnerApp": {
      "input": "CreatePartnerAppRequest",
      "output": "CreatePartnerAppResponse",
      "errors": [
        "ConflictException",
        "ResourceLimitExceeded"
      ]
    },
    "DescribePartnerApp": {
      "input": "DescribePartnerAppRequest",
      "output": "DescribePartnerAppResponse",
      "errors": [
        "ResourceNotFound"
      ]
    },
    "ListPartnerApps": {
      "input": "ListPartnerAppsRequest",
      "output": "ListPartnerAppsResponse",
      "errors": []
    },
    "UpdatePartnerApp": {
      "input": "UpdatePartnerAppRequest",
      "output": "UpdatePartnerAppResponse",
      "errors": [
        "ConflictException",
        "ResourceNotFound"
      ]
    },
    "DeletePartnerApp": {
      "input": "DeletePartnerAppRequest",
      "output": "DeletePartnerAppResponse",
      "errors": [
        "ConflictException",
        "ResourceNotFound"
      ]
    },
    "CreatePartnerAppPresignedUrl": {
      "input": "CreatePartnerAppPresignedUrlRequest",
      "output": "CreatePartnerAppPresignedUrlResponse",
      "errors": [
        "ResourceNotFound"
      ]
    },
    "AddTags": {
      "input": "AddTagsInput",
      "output": "AddTagsOutput",
      "errors": []
    },
    "ListTags": {
      "input": "ListTagsInput",
      "output": "ListTagsOutput",
      "errors": []
    },
    "DeleteTags": {
      "input": "DeleteTagsInput",
      "output": "DeleteTagsOutput",
      "errors": []
    }
  },
  "shapes": {
    "AddTagsInput": {
      "type": "structure",
      "required": [
        "ResourceArn",
        "Tags"
      ],
      "members": {
        "ResourceArn": {
          "shape": "ResourceArn"
        },
        "Tags": {
          "shape": "TagList"
        }
      }
    },
    "AddTagsOutput": {
      "type": "structure",
      "members": {
        "Tags": {
          "shape": "TagList"
        }
      }
    },
    "ApplicationArn": {
      "type": "string",
      "max": 128,
      "min": 1,
      "pattern": "arn:aws[a-z\\-]*:sso::[0-9]{12}:application/(sso)?ins-[a-zA-Z0-9.-]{16}/apl-[a-zA-Z0-9.-]{16}"
    },
    "AssignedGroupPatternsList": {
      "type": "list",
      "member": {
        "shape": "GroupNamePattern"
      },
      "max": 10,
      "min": 0
    },
    "AvailableUpgrade": {
      "type": "structure",
      "members": {
        "Version": {
          "shape": "MajorMinorVersion"
        },
        "ReleaseNotes": {
          "shape": "ReleaseNotesList"
        }
      }
    },
    "Boolean": {
      "type": "boolean"
    },
    "ClientToken": {
      "type": "string",
      "max": 36,
      "min": 1,
      "pattern": "[a-zA-Z0-9-]+"
    },
    "ConflictException": {
      "type": "structure",
      "members": {
        "Message": {
          "shape": "FailureReason"
        }
      },
      "exception": true
    },
    "CreatePartnerAppPresignedUrlRequest": {
      "type": "structure",
      "required": [
        "Arn"
      ],
      "members": {
        "Arn": {
          "shape": "PartnerAppArn"
        },
        "ExpiresInSeconds": {
          "shape": "ExpiresInSeconds"
        },
        "SessionExpirationDurationInSeconds": {
          "shape": "SessionExpirationDurationInSeconds"
        }
      }
    },
    "CreatePartnerAppPresignedUrlResponse": {
      "type": "structure",
      "members": {
        "Url": {
          "shape": "String2048"
        }
      }
    },
    "CreatePartnerAppRequest": {
      "type": "structure",
      "required": [
        "Name",
        "Type",
        "ExecutionRoleArn",
        "Tier",
        "AuthType"
      ],
      "members": {
        "Name": {
          "shape": "PartnerAppName"
        },
        "Type": {
          "shape": "PartnerAppType"
        },
        "ExecutionRoleArn": {
          "shape": "RoleArn"
        },
        "KmsKeyId": {
          "shape": "KmsKeyId"
        },
        "MaintenanceConfig": {
          "shape": "PartnerAppMaintenanceConfig"
        },
        "Tier": {
          "shape": "NonEmptyString64"
        },
        "ApplicationConfig": {
          "shape": "PartnerAppConfig"
        },
        "IdcConfig": {
          "shape": "IdcConfigInput"
        },
        "AuthType": {
          "shape": "PartnerAppAuthType"
        },
        "EnableIamSessionBasedIdentity": {
          "shape": "Boolean",
          "box": true
        },
        "EnableAutoMinorVersionUpgrade": {
          "shape": "Boolean",
          "box": true
        },
        "ClientToken": {
          "shape": "ClientToken",
          "idempotencyToken": true
        },
        "Tags": {
          "shape": "TagList"
        }
      }
    },
    "CreatePartnerAppResponse": {
      "type": "structure",
      "members": {
        "Arn": {
          "shape": "PartnerAppArn"
        }
      }
    },
    "DeletePartnerAppRequest": {
      "type": "structure",
      "required": [
        "Arn"
      ],
      "members": {
        "Arn": {
          "shape": "PartnerAppArn"
        },
        "ClientToken": {
          "shape": "ClientToken",
          "idempotencyToken": true
        }
      }
    },
    "DeletePartnerAppResponse": {
      "type": "structure",
      "members": {
        "Arn": {
          "shape": "PartnerAppArn"
        }
      }
    },
    "DeleteTagsInput": {
      "type": "structure",
      "required": [
        "ResourceArn",
        "TagKeys"
      ],
      "members": {
        "ResourceArn": {
          "shape": "ResourceArn"
        },
        "TagKeys": {
          "shape": "TagKeyList"
        }
      }
    },
    "DeleteTagsOutput": {
      "type": "structure",
      "members": {}
    },
    "DescribePartnerAppRequest": {
      "type": "structure",
      "required": [
        "Arn"
      ],
      "members": {
        "Arn": {
          "shape": "PartnerAppArn"
        },
        "IncludeAvailableUpgrade": {
          "shape": "Boolean",
          "box": true
        }
      }
    },
    "DescribePartnerAppResponse": {
      "type": "structure",
      "members": {
        "Arn": {
          "shape": "PartnerAppArn"
        },
        "Name": {
          "shape": "PartnerAppName"
        },
        "Type": {
          "shape": "PartnerAppType"
        },
        "Status": {
          "shape": "PartnerAppStatus"
        },
        "CreationTime": {
          "shape": "Timestamp"
        },
        "LastModifiedTime": {
          "shape": "Timestamp"
        },
        "ExecutionRoleArn": {
          "shape": "RoleArn"
        },
        "KmsKeyId": {
          "shape": "KmsKeyId"
        },
        "BaseUrl": {
          "shape": "String2048"
        },
        "MaintenanceConfig": {
          "shape": "PartnerAppMaintenanceConfig"
        },
        "Tier": {
          "shape": "NonEmptyString64"
        },
        "Version": {
          "shape": "NonEmptyString64"
        },
        "ApplicationConfig": {
          "shape": "PartnerAppConfig"
        },
        "AuthType": {
          "shape": "PartnerAppAuthType"
        },
        "EnableIamSessionBasedIdentity": {
          "shape": "Boolean",
          "box": true
        },
        "Error": {
          "shape": "ErrorInfo"
        },
        "EnableAutoMinorVersionUpgrade": {
          "shape": "Boolean",
          "box": true
        },
        "CurrentVersionEolDate": {
          "shape": "Timestamp"
        },
        "AvailableUpgrade": {
          "shape": "AvailableUpgrade"
        },
        "IdcConfig": {
          "shape": "IdcConfigOutput"
        }
      }
    },
    "ErrorInfo": {
      "type": "structure",
      "members": {
        "Code": {
          "shape": "NonEmptyString64"
        },
        "Reason": {
          "shape": "NonEmptyString256"
        }
      }
    },
    "ExpiresInSeconds": {
      "type": "integer",
      "box": true,
      "max": 300,
      "min": 5
    },
    "FailureReason": {
      "type": "string",
      "max": 1024,
      "min": 0
    },
    "GroupNamePattern": {
      "type": "string",
      "max": 128,
      "min": 1,
      "pattern": "[\\w+=,.@*-]+"
    },
    "GroupPatternsList": {
      "type": "list",
      "member": {
        "shape": "GroupNamePattern"
      },
      "max": 10,
      "min": 1
    },
    "IdcConfigInput": {
      "type": "structure",
      "required": [
        "InstanceArn"
      ],
      "members": {
        "InstanceArn": {
          "shape": "InstanceArn"
        }
      }
    },
    "IdcConfigOutput": {
      "type": "structure",
      "required": [
        "InstanceArn"
      ],
      "members": {
        "InstanceArn": {
          "shape": "InstanceArn"
        },
        "ApplicationArn": {
          "shape": "ApplicationArn"
        }
      }
    },
    "InstanceArn": {
      "type": "string",
      "max": 128,
      "min": 1,
      "pattern": "arn:aws[a-z\\-]*:sso:::instance/(sso)?ins-[a-zA-Z0-9.-]{16}"
    },
    "KmsKeyId": {
      "type": "string",
      "max": 2048,
      "min": 0,
      "pattern": "[a-zA-Z0-9:/_-]*"
    },
    "ListPartnerAppsRequest": {
      "type": "structure",
      "members": {
        "MaxResults": {
          "shape": "MaxResults"
        },
        "NextToken": {
          "shape": "NextToken"
        }
      }
    },
    "ListPartnerAppsResponse": {
      "type": "structure",
      "members": {
        "Summaries": {
          "shape": "PartnerAppSummaries"
        },
        "NextToken": {
          "shape": "NextToken"
        }
      }
    },
    "ListTagsInput": {
      "type": "structure",
      "required": [
        "ResourceArn"
      ],
      "members": {
        "ResourceArn": {
          "shape": "ResourceArn"
        },
        "NextToken": {
          "shape": "NextToken"
        },
        "MaxResults": {
          "shape": "ListTagsMaxResults"
        }
      }
    },
    "ListTagsMaxResults": {
      "type": "integer",
      "box": true,
      "min": 50
    },
    "ListTagsOutput": {
      "type": "structure",
      "members": {
        "Tags": {
          "shape": "TagList"
        },
        "NextToken": {
          "shape": "NextToken"
        }
      }
    },
    "MajorMinorVersion": {
      "type": "string",
      "max": 64,
      "min": 0,
      "pattern": "\\d+\\.\\d+"
    },
    "MaxResults": {
      "type": "integer",
      "box": true,
      "max": 100,
      "min": 1
    },
    "NextToken": {
      "type": "string",
      "max": 8192,
      "min": 0,
      "pattern": ".*"
    },
    "NonEmptyString256": {
      "type": "string",
      "max": 256,
      "min": 0,
      "pattern": "(?!\\s*$).+"
    },
    "NonEmptyString64": {
      "type": "string",
      "max": 64,
      "min": 0,
      "pattern": "(?!\\s*$).+"
    },
    "PartnerAppAdminUserList": {
      "type": "list",
      "member": {
        "shape": "NonEmptyString256"
      },
      "max": 5,
      "min": 0
    },
    "PartnerAppArguments": {
      "type": "map",
      "key": {
        "shape": "NonEmptyString256"
      },
      "value": {
        "shape": "String1024"
      },
      "max": 5,
      "min": 0
    },
    "PartnerAppArn": {
      "type": "string",
      "max": 128,
      "min": 1,
      "pattern": "arn:aws[a-z\\-]*:sagemaker:[a-z0-9\\-]*:[0-9]{12}:partner-app\\/app-[A-Z0-9]{12}"
    },
    "PartnerAppAuthType": {
      "type": "string",
      "enum": [
        "IAM",
        "IDC"
      ]
    },
    "PartnerAppConfig": {
      "type": "structure",
      "members": {
        "AdminUsers": {
          "shape": "PartnerAppAdminUserList"
        },
        "Arguments": {
          "shape": "PartnerAppArguments"
        },
        "AssignedGroupPatterns": {
          "shape": "AssignedGroupPatternsList"
        },
        "RoleGroupAssignments": {
          "shape": "RoleGroupAssignmentsList"
        }
      }
    },
    "PartnerAppMaintenanceConfig": {
      "type": "structure",
      "members": {
        "MaintenanceWindowStart": {
          "shape": "WeeklyScheduleTimeFormat"
        }
      }
    },
    "PartnerAppName": {
      "type": "string",
      "max": 256,
      "min": 1,
      "pattern": "[a-zA-Z0-9]+"
    },
    "PartnerAppStatus": {
      "type": "string",
      "enum": [
        "Creating",
        "Updating",
        "Deleting",
        "Available",
        "Failed",
        "UpdateFailed",
        "Deleted"
      ]
    },
    "PartnerAppSummaries": {
      "type": "list",
      "member": {
        "shape": "PartnerAppSummary"
      }
    },
    "PartnerAppSummary": {
      "type": "structure",
      "members": {
        "Arn": {
          "shape": "PartnerAppArn"
        },
        "Name": {
          "shape": "PartnerAppName"
        },
        "Type": {
          "shape": "PartnerAppType"
        },
        "Status": {
          "shape": "PartnerAppStatus"
        },
        "CreationTime": {
          "shape": "Timestamp"
        }
      }
    },
    "PartnerAppType": {
      "type": "string",
      "enum": [
        "lakera-guard",
        "comet",
        "deepchecks-llm-evaluation",
        "fiddler"
      ]
    },
    "ReleaseNotesList": {
      "type": "list",
      "member": {
        "shape": "String1024"
      },
      "max": 10,
      "min": 0
    },
    "ResourceArn": {
      "type": "string",
      "max": 256,
      "min": 0,
      "pattern": "arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:[0-9]{12}:.+"
    },
    "ResourceLimitExceeded": {
      "type": "structure",
      "members": {
        "Message": {
          "shape": "FailureReason"
        }
      },
      "exception": true
    },
    "ResourceNotFound": {
      "type": "structure",
      "members": {
        "Message": {
          "shape": "FailureReason"
        }
      },
      "exception": true
    },
    "RoleArn": {
      "type": "string",
      "max": 2048,
      "min": 20,
      "pattern": "arn:aws[a-z\\-]*:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+"
    },
    "RoleGroupAssignment": {
      "type": "structure",
      "required": [
        "RoleName",
        "GroupPatterns"
      ],
      "members": {
        "RoleName": {
          "shape": "NonEmptyString256"
        },
        "GroupPatterns": {
          "shape": "GroupPatternsList"
        }
      }
    },
    "RoleGroupAssignmentsList": {
      "type": "list",
      "member": {
        "shape": "RoleGroupAssignment"
      },
      "max": 10,
      "min": 0
    },
    "SessionExpirationDurationInSeconds": {
      "type": "integer",
      "box": true,
      "max": 43200,
      "min": 1800
    },
    "String1024": {
      "type": "string",
      "max": 1024,
      "min": 0
    },
    "String2048": {
      "type": "string",
      "max": 2048,
      "min": 0
    },
    "Tag": {
      "type": "structure",
      "required": [
        "Key",
        "Value"
      ],
      "members": {
        "Key": {
          "shape": "TagKey"
        },
        "Value": {
          "shape": "TagValue"
        }
      }
    },
    "TagKey": {
      "type": "string",
      "max": 128,
      "min": 1,
      "pattern": "([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)"
    },
    "TagKeyList": {
      "type": "list",
      "member": {
        "shape": "TagKey"
      },
      "max": 50,
      "min": 1
    },
    "TagList": {
      "type": "list",
      "member": {
        "shape": "Tag"
      },
      "max": 50,
      "min": 0
    },
    "TagValue": {
      "type": "string",
      "max": 256,
      "min": 0,
      "pattern": "([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)"
    },
    "Timestamp": {
      "type": "timestamp"
    },
    "UpdatePartnerAppRequest": {
      "type": "structure",
      "required": [
        "Arn"
      ],
      "members": {
        "Arn": {
          "shape": "PartnerAppArn"
        },
        "MaintenanceConfig": {
          "shape": "PartnerAppMaintenanceConfig"
        },
        "Tier": {
          "shape": "NonEmptyString64"
        },
        "ApplicationConfig": {
          "shape": "PartnerAppConfig"
        },
        "IdcConfig": {
          "shape": "IdcConfigInput"
        },
        "AuthType": {
          "shape": "PartnerAppAuthType"
        },
        "EnableIamSessionBasedIdentity": {
          "shape": "Boolean",
          "box": true
        },
        "EnableAutoMinorVersionUpgrade": {
          "shape": "Boolean",
          "box": true
        },
        "AppVersion": {
          "shape": "MajorMinorVersion"
        },
        "ClientToken": {
          "shape": "ClientToken",
          "idempotencyToken": true
        },
        "Tags": {
          "shape": "TagList"
        }
      }
    },
    "UpdatePartnerAppResponse": {
      "type": "structure",
      "members": {
        "Arn": {
          "shape": "PartnerAppArn"
        }
      }
    },
    "WeeklyScheduleTimeFormat": {
      "type": "string",
      "max": 9,
      "min": 0,
      "pattern": "(Mon|Tue|Wed|Thu|Fri|Sat|Sun):([01]\\d|2[0-3]):([0-5]\\d)"
    }
  }
} as const satisfies Model;
