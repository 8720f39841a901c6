"""CodeCommit commits through the API, which moto 5.2 lacks (loaded by moto_server.py).

After the CodeCommit API reference (API_CreateCommit, API_GetBranch, API_GetCommit,
API_GetDifferences, API_GetFile) and the user guide's quotas:

- CreateCommit: the first commit of an empty repository has no parentCommitId and creates the
  branch (and makes it the default branch); a later one needs parentCommitId
  (ParentCommitIdRequiredException), equal to the branch tip (ParentCommitIdOutdatedException when it
  is an older commit, ParentCommitDoesNotExistException when it is none). A non-empty repository
  without the branch: BranchDoesNotExistException. At most 100 file entries (putFiles, deleteFiles and
  setFileModes together: MaximumFileEntriesExceededException), 6 MB per file and 7 MB of content per
  commit (FileContentSizeLimitExceededException); deleting a file that is not there:
  FileDoesNotExistException; one path twice: PutFileEntryConflictException; a commit that changes
  nothing: NoChangeException.
- GetBranch, GetCommit, GetFile, GetDifferences (all files of a commit when beforeCommitSpecifier is
  absent; paged with MaxResults/NextToken).

Blob ids are real git blob SHA-1s (what `git hash-object` prints), so clients can compare content
without downloading it. Commit and tree ids are SHA-1s of the emulator's own records, not git objects.
State lives on moto's repository object and goes with POST /moto-api/reset.
"""
import base64
import hashlib
import json
import time

from moto.codecommit.responses import CodeCommitResponse
from moto.core.exceptions import JsonRESTError

MAX_FILE_ENTRIES = 100
MAX_FILE_BYTES = 6 * 1024 * 1024
MAX_COMMIT_BYTES = 7 * 1024 * 1024
MODES = {"NORMAL": "100644", "EXECUTABLE": "100755", "SYMLINK": "120000"}
MODE_NAMES = {v: k for k, v in MODES.items()}


class CommitError(JsonRESTError):
    code = 400


def git_blob_id(content):
    return hashlib.sha1(b"blob %d\x00" % len(content) + content).hexdigest()


def _sha1(text):
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _repository(response):
    name = response._get_param("repositoryName")
    if not name:
        raise CommitError("RepositoryNameRequiredException", "A repository name is required, but was not specified.")
    repository = response.codecommit_backend.repositories.get(name)
    if repository is None:
        raise CommitError("RepositoryDoesNotExistException", f"{name} does not exist")
    if not hasattr(repository, "mtpipe_git"):
        repository.mtpipe_git = {"branches": {}, "commits": {}, "blobs": {}}
    return repository


def _commit(git, specifier):
    commit_id = git["branches"].get(specifier, specifier)
    commit = git["commits"].get(commit_id)
    if commit is None:
        raise CommitError("CommitDoesNotExistException", f"Commit {specifier} does not exist")
    return commit


def get_branch(self):
    git = _repository(self).mtpipe_git
    name = self._get_param("branchName")
    if not name:
        raise CommitError("BranchNameRequiredException", "A branch name is required, but was not specified.")
    if name not in git["branches"]:
        raise CommitError("BranchDoesNotExistException", f"Branch {name} does not exist")
    return json.dumps({"branch": {"branchName": name, "commitId": git["branches"][name]}})


def get_commit(self):
    git = _repository(self).mtpipe_git
    commit = _commit(git, self._get_param("commitId"))
    person = {"name": commit["author"], "email": commit["email"], "date": f"{int(commit['time'])} +0000"}
    return json.dumps(
        {
            "commit": {
                "commitId": commit["id"],
                "treeId": commit["treeId"],
                "parents": commit["parents"],
                "message": commit["message"],
                "author": person,
                "committer": person,
                "additionalData": "",
            }
        }
    )


def get_file(self):
    git = _repository(self).mtpipe_git
    specifier = self._get_param("commitSpecifier") or self.codecommit_backend.repositories[self._get_param("repositoryName")].repository_metadata.get("defaultBranch")
    commit = _commit(git, specifier)
    path = self._get_param("filePath").lstrip("/")
    if path not in commit["tree"]:
        raise CommitError("FileDoesNotExistException", f"The file {path} does not exist")
    blob_id, mode = commit["tree"][path]
    content = git["blobs"][blob_id]
    return json.dumps(
        {
            "commitId": commit["id"],
            "blobId": blob_id,
            "filePath": path,
            "fileMode": MODE_NAMES[mode],
            "fileSize": len(content),
            "fileContent": base64.b64encode(content).decode("ascii"),
        }
    )


def get_differences(self):
    git = _repository(self).mtpipe_git
    after = _commit(git, self._get_param("afterCommitSpecifier"))
    before_specifier = self._get_param("beforeCommitSpecifier")
    before = _commit(git, before_specifier)["tree"] if before_specifier else {}
    differences = []
    for path in sorted(set(before) | set(after["tree"])):
        old, new = before.get(path), after["tree"].get(path)
        if old == new:
            continue
        blob = lambda entry: {"blobId": entry[0], "path": path, "mode": entry[1]}  # noqa: E731
        change = "A" if old is None else "D" if new is None else "M"
        differences.append({**({"beforeBlob": blob(old)} if old else {}), **({"afterBlob": blob(new)} if new else {}), "changeType": change})
    start = int(self._get_param("NextToken") or 0)
    size = int(self._get_param("MaxResults") or 100)
    page = differences[start : start + size]
    body = {"differences": page}
    if start + size < len(differences):
        body["NextToken"] = str(start + size)
    return json.dumps(body)


def create_commit(self):
    repository = _repository(self)
    git = repository.mtpipe_git
    branch = self._get_param("branchName")
    if not branch:
        raise CommitError("BranchNameRequiredException", "A branch name is required, but was not specified.")
    parent = self._get_param("parentCommitId")
    head = git["branches"].get(branch)
    if head is None and git["branches"]:
        raise CommitError("BranchDoesNotExistException", f"Branch {branch} does not exist")
    if head is not None and not parent:
        raise CommitError("ParentCommitIdRequiredException", "A parent commit ID is required. To view the full commit ID of a branch in a repository, use GetBranch or a Git command (for example, git pull or git log).")
    if parent and parent not in git["commits"]:
        raise CommitError("ParentCommitDoesNotExistException", f"The parent commit ID {parent} does not exist in the specified branch of the repository.")
    if head is not None and parent != head:
        raise CommitError("ParentCommitIdOutdatedException", f"The parent commit ID {parent} is not the tip of branch {branch} ({head}).")

    puts = self._get_param("putFiles") or []
    deletes = self._get_param("deleteFiles") or []
    modes = self._get_param("setFileModes") or []
    if len(puts) + len(deletes) + len(modes) > MAX_FILE_ENTRIES:
        raise CommitError("MaximumFileEntriesExceededException", "The number of specified files to change as part of this commit exceeds the maximum number of files that can be changed in a single commit.")
    paths = [e["filePath"].lstrip("/") for e in puts + deletes + modes]
    if len(paths) != len(set(paths)):
        raise CommitError("PutFileEntryConflictException", "The commit cannot be created because one or more files specified in the commit reference both a file and a folder, or name a file more than once.")

    tree = dict(git["commits"][parent]["tree"]) if parent else {}
    contents = [base64.b64decode(e.get("fileContent") or "") for e in puts]
    if any(len(c) > MAX_FILE_BYTES for c in contents) or sum(len(c) for c in contents) > MAX_COMMIT_BYTES:
        raise CommitError("FileContentSizeLimitExceededException", "The file cannot be added because it is too large. The maximum file size is 6 MB, and the combined file content change size is 7 MB.")
    added, updated, deleted = [], [], []
    for entry in deletes:
        path = entry["filePath"].lstrip("/")
        if path not in tree:
            raise CommitError("FileDoesNotExistException", f"The file {path} does not exist")
        deleted.append({"absolutePath": path, "blobId": tree.pop(path)[0], "fileMode": "NORMAL"})
    for entry, content in zip(puts, contents):
        path = entry["filePath"].lstrip("/")
        mode_name = entry.get("fileMode") or "NORMAL"
        if mode_name not in MODES:
            raise CommitError("InvalidFileModeException", f"The file mode {mode_name} is not valid.")
        blob_id = git_blob_id(content)
        git["blobs"][blob_id] = content
        previous = tree.get(path)
        tree[path] = (blob_id, MODES[mode_name])
        if previous != tree[path]:
            (added if previous is None else updated).append({"absolutePath": path, "blobId": blob_id, "fileMode": mode_name})
    for entry in modes:
        path = entry["filePath"].lstrip("/")
        if path not in tree:
            raise CommitError("FileDoesNotExistException", f"The file {path} does not exist")
        tree[path] = (tree[path][0], MODES[entry["fileMode"]])
        updated.append({"absolutePath": path, "blobId": tree[path][0], "fileMode": entry["fileMode"]})

    if parent and tree == git["commits"][parent]["tree"]:
        raise CommitError("NoChangeException", "The commit cannot be created because no changes will be made to the repository as a result of this commit. A commit must contain at least one change.")
    tree_id = _sha1(json.dumps(sorted(tree.items())))
    now = time.time()
    message = self._get_param("commitMessage") or "Commit made through the API"
    commit_id = _sha1(f"{tree_id}\n{parent or ''}\n{message}\n{now}\n{len(git['commits'])}")
    git["commits"][commit_id] = {
        "id": commit_id,
        "treeId": tree_id,
        "tree": tree,
        "parents": [parent] if parent else [],
        "message": message,
        "author": self._get_param("authorName") or "moto",
        "email": self._get_param("email") or "",
        "time": now,
    }
    git["branches"][branch] = commit_id
    repository.repository_metadata.setdefault("defaultBranch", branch)
    return json.dumps({"commitId": commit_id, "treeId": tree_id, "filesAdded": added, "filesUpdated": updated, "filesDeleted": deleted})


for handler in (get_branch, get_commit, get_file, get_differences, create_commit):
    setattr(CodeCommitResponse, handler.__name__, handler)
