<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>CameraBrowser</name>
    <message>
        <location filename="../../console/ui/camera_tree.py" line="412"/>
        <source>Search cameras: number, name or place</source>
        <translation>搜索摄像机：编号、名称或地点</translation>
    </message>
    <message>
        <location filename="../../console/ui/camera_tree.py" line="483"/>
        <source>No camera matches</source>
        <translation>没有匹配的摄像机</translation>
    </message>
    <message>
        <location filename="../../console/ui/camera_tree.py" line="485"/>
        <source>First %1 matches: type more to narrow</source>
        <translation>前 %1 个结果：继续输入以缩小范围</translation>
    </message>
    <message>
        <location filename="../../console/ui/camera_tree.py" line="487"/>
        <source>Matches: %1</source>
        <translation>匹配：%1</translation>
    </message>
</context>
<context>
    <name>CameraHealth</name>
    <message>
        <location filename="../../console/ui/camera_tree.py" line="124"/>
        <source>online: live on the wall</source>
        <translation>在线：正在上墙显示</translation>
    </message>
    <message>
        <location filename="../../console/ui/camera_tree.py" line="124"/>
        <source>connecting</source>
        <translation>连接中</translation>
    </message>
    <message>
        <location filename="../../console/ui/camera_tree.py" line="125"/>
        <source>offline: signal lost</source>
        <translation>离线：信号丢失</translation>
    </message>
    <message>
        <location filename="../../console/ui/camera_tree.py" line="125"/>
        <source>offline: error</source>
        <translation>离线：错误</translation>
    </message>
</context>
<context>
    <name>CameraSearchModel</name>
    <message>
        <location filename="../../console/ui/camera_tree.py" line="378"/>
        <source>Camera</source>
        <translation>摄像机</translation>
    </message>
    <message>
        <location filename="../../console/ui/camera_tree.py" line="380"/>
        <source>Place</source>
        <translation>地点</translation>
    </message>
</context>
<context>
    <name>CameraTreeModel</name>
    <message>
        <location filename="../../console/ui/camera_tree.py" line="289"/>
        <source>cameras: %1</source>
        <translation>摄像机：%1</translation>
    </message>
    <message>
        <location filename="../../console/ui/camera_tree.py" line="302"/>
        <source>Cameras</source>
        <translation>摄像机</translation>
    </message>
</context>
<context>
    <name>CatalogImport</name>
    <message>
        <location filename="../../console/ui/catalog_import.py" line="63"/>
        <location filename="../../console/ui/catalog_import.py" line="134"/>
        <source>Import cancelled: the catalog is unchanged.</source>
        <translation>导入已取消：摄像机目录未改变。</translation>
    </message>
    <message>
        <location filename="../../console/ui/catalog_import.py" line="67"/>
        <source>Cannot write the catalog %1: %2</source>
        <translation>无法写入摄像机目录 %1：%2</translation>
    </message>
    <message>
        <location filename="../../console/ui/catalog_import.py" line="70"/>
        <source>%1 cameras imported from %2</source>
        <translation>已从 %2 导入 %1 台摄像机</translation>
    </message>
</context>
<context>
    <name>ConsoleWindow</name>
    <message>
        <location filename="../../console/ui/console.py" line="759"/>
        <source>videowall console</source>
        <translation>videowall 控制台</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="775"/>
        <source>Cameras</source>
        <translation>摄像机</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="776"/>
        <source>Main monitor</source>
        <translation>主监视器</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="778"/>
        <source>Keyboard</source>
        <translation>键盘</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="779"/>
        <source>Salvos and tours</source>
        <translation>预案与轮巡</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="799"/>
        <source>Wall</source>
        <translation>电视墙</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1124"/>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1127"/>
        <source>Redo</source>
        <translation>重做</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1149"/>
        <source>Save wall as salvo…</source>
        <translation>将电视墙保存为预案…</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1134"/>
        <source>Save wall as layout…</source>
        <translation>将电视墙保存为布局…</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1131"/>
        <source>Import camera catalog…</source>
        <translation>导入摄像机目录…</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1132"/>
        <source>Replace the camera catalog from a YAML or CSV file</source>
        <translation>用 YAML 或 CSV 文件替换摄像机目录</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="822"/>
        <source>role: %1</source>
        <translation>角色：%1</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1096"/>
        <source>supervisor</source>
        <translation>值班长</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1096"/>
        <source>operator</source>
        <translation>操作员</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1386"/>
        <source>Picture as joystick: drag on the main monitor (Ctrl+drag on a wall-preview tile), further is faster; the wheel (Ctrl+wheel) zooms; a double-click centres the point on an ONVIF dome</source>
        <translation>画面即摇杆：在主监视器上拖动（电视墙预览窗格上按住 Ctrl 拖动），拖得越远越快；滚轮（Ctrl+滚轮）变倍；在 ONVIF 球机上双击可将该点居中</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1431"/>
        <source>agents online: %1</source>
        <translation>在线代理：%1</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1432"/>
        <source>tiles lost: %1</source>
        <translation>丢失画面：%1</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1496"/>
        <source>host: connected</source>
        <translation>主机：已连接</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1496"/>
        <source>host: not answering</source>
        <translation>主机：无应答</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1559"/>
        <source>recall salvo %1</source>
        <translation>调用预案 %1</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1052"/>
        <location filename="../../console/ui/console.py" line="1318"/>
        <location filename="../../console/ui/console.py" line="1326"/>
        <location filename="../../console/ui/console.py" line="1346"/>
        <location filename="../../console/ui/console.py" line="1565"/>
        <source>Select a monitor first</source>
        <translation>请先选择监视器</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1573"/>
        <source>Only supervisors save salvos</source>
        <translation>只有值班长可以保存预案</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1575"/>
        <source>Save wall as salvo</source>
        <translation>将电视墙保存为预案</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1575"/>
        <source>Salvo name or number:</source>
        <translation>预案名称或编号：</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1358"/>
        <location filename="../../console/ui/console.py" line="1611"/>
        <source>Only supervisors edit tours</source>
        <translation>只有值班长可以编辑轮巡</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="952"/>
        <source>Instant replay: select a monitor that shows a camera</source>
        <translation>即时回放：请选择正在显示摄像机的监视器</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="986"/>
        <source>No recorder serves recordings now (none reports to the matrix host)</source>
        <translation>当前没有录像机提供录像（没有录像机向矩阵主机报告）</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="999"/>
        <source>Select the first wall monitor to play on</source>
        <translation>请选择要开始播放的第一个电视墙监视器</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1003"/>
        <source>The wall shows only %1 monitors from MON %2 on</source>
        <translation>从监视器 %2 起，电视墙只显示 %1 个监视器</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1045"/>
        <source>videowall centre</source>
        <translation>videowall 中心</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1079"/>
        <location filename="../../console/ui/console.py" line="1086"/>
        <source>The main monitor shows no camera: nothing to take</source>
        <translation>主监视器未显示摄像机：无可截取的画面</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1093"/>
        <source>EVIDENCE</source>
        <translation>取证</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1130"/>
        <source>Only supervisors do this</source>
        <translation>仅值班主管可执行此操作</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1136"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1139"/>
        <source>Find camera</source>
        <translation>查找摄像机</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1140"/>
        <source>Search cameras by number, name or place</source>
        <translation>按编号、名称或地点搜索摄像机</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1141"/>
        <source>Keyboard line</source>
        <translation>键盘命令行</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1142"/>
        <source>Type a whole keyboard line</source>
        <translation>输入整行键盘命令</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1143"/>
        <source>Wall preview</source>
        <translation>电视墙预览</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1144"/>
        <source>The keyboard focus to the wall preview</source>
        <translation>将键盘焦点移到电视墙预览</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1145"/>
        <source>Full screen</source>
        <translation>全屏</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1151"/>
        <source>Recall salvo…</source>
        <translation>调用预案…</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1152"/>
        <source>Start tour on the selected monitor…</source>
        <translation>在所选监视器上启动轮巡…</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1154"/>
        <source>Edit tour…</source>
        <translation>编辑轮巡…</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1156"/>
        <source>Clear the selected monitor</source>
        <translation>清除所选监视器</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1158"/>
        <source>Maximise or restore the selected monitor</source>
        <translation>最大化或还原所选监视器</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1160"/>
        <location filename="../../console/ui/console.py" line="1378"/>
        <source>Keyboard and keypad</source>
        <translation>键盘与小键盘</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1164"/>
        <location filename="../../console/ui/console.py" line="1402"/>
        <source>About videowall</source>
        <translation>关于 videowall</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1165"/>
        <source>Snapshot of the selected monitor</source>
        <translation>抓拍所选监视器</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1167"/>
        <source>Store the selected monitor&apos;s picture as evidence (SNAP)</source>
        <translation>将所选监视器的画面存为证据（SNAP）</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1168"/>
        <source>Snapshot of the main monitor</source>
        <translation>抓拍主监视器</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1170"/>
        <source>Print evidence of the selected monitor…</source>
        <translation>打印所选监视器的证据…</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1173"/>
        <source>Case number, note, then print, preview or save as PDF (PRINT)</source>
        <translation>填写案件编号、备注，然后打印、预览或存为 PDF（PRINT）</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1176"/>
        <source>Print evidence of the main monitor…</source>
        <translation>打印主监视器的证据…</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1178"/>
        <source>Quick print of the selected monitor</source>
        <translation>快速打印所选监视器</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1180"/>
        <source>Store and print at once on the desk&apos;s default printer</source>
        <translation>立即存证并在本席位默认打印机上打印</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1181"/>
        <source>Lock the dome</source>
        <translation>锁定球机</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1182"/>
        <source>Hold the dome until released</source>
        <translation>占用球机直至释放</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1183"/>
        <source>Only supervisors lock a dome</source>
        <translation>只有值班长可以锁定球机</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1184"/>
        <source>Release the dome</source>
        <translation>释放球机</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1186"/>
        <source>Playback…</source>
        <translation>回放…</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1188"/>
        <source>Recordings of up to 16 cameras in sync, frame by frame</source>
        <translation>最多 16 路摄像机同步回放，可逐帧查看</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1189"/>
        <source>Instant replay (30 s)</source>
        <translation>即时回放（30 秒）</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1191"/>
        <source>The selected monitor&apos;s camera from 30 seconds ago</source>
        <translation>所选监视器的摄像机，从 30 秒前开始</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1192"/>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1193"/>
        <source>A span of 1 to 16 cameras as MP4 files with a signed manifest, in the background</source>
        <translation>在后台把 1 至 16 路摄像机的一段录像导出为 MP4 文件和签名清单</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1195"/>
        <source>Presets, tours and park…</source>
        <translation>预置位、巡航与归位…</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1197"/>
        <source>Name presets, define the dome&apos;s PTZ tour, park it, switch its wiper or light</source>
        <translation>命名预置位、设置球机巡航、归位、开关雨刷或灯光</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1202"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1209"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1223"/>
        <source>&amp;Wall</source>
        <translation>电视墙(&amp;W)</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1234"/>
        <source>&amp;Evidence</source>
        <translation>取证(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1242"/>
        <source>Play&amp;back</source>
        <translation>回放(&amp;B)</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1248"/>
        <source>&amp;PTZ</source>
        <translation>云台(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1255"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1337"/>
        <source>The host has no salvos</source>
        <translation>主机上没有预案</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1339"/>
        <source>Recall salvo</source>
        <translation>调用预案</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1339"/>
        <source>Salvo:</source>
        <translation>预案：</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1349"/>
        <source>The host has no tours</source>
        <translation>主机上没有轮巡</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1351"/>
        <source>Start tour</source>
        <translation>启动轮巡</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1351"/>
        <source>Tour:</source>
        <translation>轮巡：</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1382"/>
        <source>Numeric keypad: digits, * MON, Enter CAM, + NEXT, - PREV, / CLEAR</source>
        <translation>小键盘：数字，* 监视器，Enter 摄像机，+ 下一个，- 上一个，/ 清除</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1383"/>
        <source>Keyboard line: 3 MON 1042 CAM, Enter sends, Up/Down recall</source>
        <translation>键盘命令行：3 MON 1042 CAM，Enter 发送，上/下键调出历史</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1384"/>
        <source>PTZ (the selected monitor&apos;s dome): hold a PTZ key; keypad with NumLock off: 8 2 4 6 and 7 9 1 3 steer, 0 zoom wide, . zoom tele; Ctrl+arrows steer, Ctrl+PgUp/PgDn zoom</source>
        <translation>云台（所选监视器的球机）：按住云台键；小键盘关闭 NumLock 时：8 2 4 6 与 7 9 1 3 控制方向，0 拉远，. 拉近；Ctrl+方向键控制方向，Ctrl+PgUp/PgDn 变倍</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1388"/>
        <source>n PRESET calls preset n, n SET stores it; SNAP stores the picture as evidence, PRINT prints it</source>
        <translation>n PRESET 调用预置位 n，n SET 保存预置位；SNAP 将画面存为证据，PRINT 打印</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1403"/>
        <source>videowall %1: the software video matrix and video-wall console</source>
        <translation>videowall %1：软件视频矩阵与电视墙控制台</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1460"/>
        <source>recorder: none</source>
        <translation>录像机：无</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1461"/>
        <source>No recorder reports to the matrix host: nothing is recorded</source>
        <translation>没有录像机向矩阵主机报告：没有任何录像</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1464"/>
        <source>recorder: DOWN</source>
        <translation>录像机：离线</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1465"/>
        <source>Not heard for over 5 s: %1</source>
        <translation>超过 5 秒无响应：%1</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1468"/>
        <source>recording: %1/%2</source>
        <translation>录像：%1/%2</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1470"/>
        <source>%1 cameras scheduled are not being recorded</source>
        <translation>%1 路计划录像的摄像机未在录像</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1471"/>
        <source>Every scheduled camera is being recorded</source>
        <translation>所有计划录像的摄像机都在录像</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1488"/>
        <source>MON %1: tour %2 skipped camera %3 (%4)</source>
        <translation>监视器 %1：轮巡 %2 跳过了摄像机 %3（%4）</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1583"/>
        <source>salvo %1 kept as it was</source>
        <translation>预案 %1 保持不变</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1592"/>
        <source>Replace salvo</source>
        <translation>替换预案</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1593"/>
        <source>Salvo %1 already exists (%2 monitors). Replace it with the wall as it is now (%3 monitors)?</source>
        <translation>预案 %1 已存在（%2 个监视器）。用电视墙当前画面（%3 个监视器）替换它吗？</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1596"/>
        <source>Replace</source>
        <translation>替换</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1620"/>
        <source>Only supervisors save layouts</source>
        <translation>只有值班长可以保存布局</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1622"/>
        <source>Save wall as layout</source>
        <translation>将电视墙保存为布局</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1623"/>
        <source>Layouts (*.yaml)</source>
        <translation>布局文件 (*.yaml)</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1642"/>
        <source>the wall when this layout was saved</source>
        <translation>保存此布局时的电视墙画面</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1645"/>
        <source>layout saved: %1</source>
        <translation>布局已保存：%1</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1650"/>
        <source>Only supervisors import the camera catalog</source>
        <translation>只有值班长可以导入摄像机目录</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1652"/>
        <source>Import camera catalog</source>
        <translation>导入摄像机目录</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1653"/>
        <source>Camera catalogs (*.yaml *.yml *.csv)</source>
        <translation>摄像机目录 (*.yaml *.yml *.csv)</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="1664"/>
        <source>%1 cameras imported</source>
        <translation>已导入 %1 台摄像机</translation>
    </message>
</context>
<context>
    <name>EvidenceDesk</name>
    <message>
        <location filename="../../console/ui/evidence_desk.py" line="176"/>
        <source>MON %1: the matrix host does not answer: nothing was stored</source>
        <translation>监视器 %1：矩阵主机无应答：未保存任何内容</translation>
    </message>
    <message>
        <location filename="../../console/ui/evidence_desk.py" line="183"/>
        <source>MON %1: %2</source>
        <translation>监视器 %1：%2</translation>
    </message>
    <message>
        <location filename="../../console/ui/evidence_desk.py" line="195"/>
        <source>The main monitor shows no camera: nothing to take</source>
        <translation>主监视器未显示摄像机：无可截取的画面</translation>
    </message>
    <message>
        <location filename="../../console/ui/evidence_desk.py" line="217"/>
        <source>The centre&apos;s evidence key cannot be used: %1</source>
        <translation>中心的取证密钥无法使用：%1</translation>
    </message>
    <message>
        <location filename="../../console/ui/evidence_desk.py" line="222"/>
        <source>Evidence %1 stored: CAM %2, picture of %3</source>
        <translation>证据 %1 已保存：摄像机 %2，画面时间 %3</translation>
    </message>
    <message>
        <location filename="../../console/ui/evidence_desk.py" line="225"/>
        <source>LAST PICTURE, signal lost since %1</source>
        <translation>最后画面，信号自 %1 起丢失</translation>
    </message>
    <message>
        <location filename="../../console/ui/evidence_desk.py" line="248"/>
        <source>Print cancelled: nothing was stored</source>
        <translation>打印已取消：未保存任何内容</translation>
    </message>
    <message>
        <location filename="../../console/ui/evidence_desk.py" line="313"/>
        <source>Save evidence sheet as PDF</source>
        <translation>将证据单保存为 PDF</translation>
    </message>
    <message>
        <location filename="../../console/ui/evidence_desk.py" line="314"/>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../console/ui/evidence_desk.py" line="320"/>
        <source>Evidence %1 sent to printer %2 (%3 copies, job %4)</source>
        <translation>证据 %1 已发送到打印机 %2（%3 份，作业 %4）</translation>
    </message>
    <message>
        <location filename="../../console/ui/evidence_desk.py" line="328"/>
        <source>Evidence sheet saved: %1</source>
        <translation>证据单已保存：%1</translation>
    </message>
    <message>
        <location filename="../../console/ui/evidence_desk.py" line="340"/>
        <source>Evidence %1: the host&apos;s audit trail did not take it: %2</source>
        <translation>证据 %1：主机的审计记录未接收：%2</translation>
    </message>
</context>
<context>
    <name>EvidenceDialog</name>
    <message>
        <location filename="../../console/ui/evidence_desk.py" line="74"/>
        <source>Evidence: CAM %1</source>
        <translation>证据：摄像机 %1</translation>
    </message>
    <message>
        <location filename="../../console/ui/evidence_desk.py" line="83"/>
        <source>Camera:</source>
        <translation>摄像机：</translation>
    </message>
    <message>
        <location filename="../../console/ui/evidence_desk.py" line="84"/>
        <source>Picture taken:</source>
        <translation>画面时间：</translation>
    </message>
    <message>
        <location filename="../../console/ui/evidence_desk.py" line="86"/>
        <source>LAST PICTURE, signal lost since %1</source>
        <translation>最后画面，信号自 %1 起丢失</translation>
    </message>
    <message>
        <location filename="../../console/ui/evidence_desk.py" line="94"/>
        <source>e.g. JX-2026-0042</source>
        <translation>例如 JX-2026-0042</translation>
    </message>
    <message>
        <location filename="../../console/ui/evidence_desk.py" line="95"/>
        <source>Case number:</source>
        <translation>案件编号：</translation>
    </message>
    <message>
        <location filename="../../console/ui/evidence_desk.py" line="99"/>
        <source>Note:</source>
        <translation>备注：</translation>
    </message>
    <message>
        <location filename="../../console/ui/evidence_desk.py" line="102"/>
        <source>Paper:</source>
        <translation>纸张：</translation>
    </message>
    <message>
        <location filename="../../console/ui/evidence_desk.py" line="104"/>
        <source>portrait</source>
        <translation>纵向</translation>
    </message>
    <message>
        <location filename="../../console/ui/evidence_desk.py" line="105"/>
        <source>landscape</source>
        <translation>横向</translation>
    </message>
    <message>
        <location filename="../../console/ui/evidence_desk.py" line="106"/>
        <source>Orientation:</source>
        <translation>方向：</translation>
    </message>
    <message>
        <location filename="../../console/ui/evidence_desk.py" line="109"/>
        <source>Copies:</source>
        <translation>份数：</translation>
    </message>
    <message>
        <location filename="../../console/ui/evidence_desk.py" line="113"/>
        <source>Print on %1</source>
        <translation>在 %1 上打印</translation>
    </message>
    <message>
        <location filename="../../console/ui/evidence_desk.py" line="113"/>
        <source>Print</source>
        <translation>打印</translation>
    </message>
    <message>
        <location filename="../../console/ui/evidence_desk.py" line="115"/>
        <source>Print…</source>
        <translation>打印…</translation>
    </message>
    <message>
        <location filename="../../console/ui/evidence_desk.py" line="116"/>
        <source>Preview…</source>
        <translation>预览…</translation>
    </message>
    <message>
        <location filename="../../console/ui/evidence_desk.py" line="117"/>
        <source>Save as PDF…</source>
        <translation>存为 PDF…</translation>
    </message>
    <message>
        <location filename="../../console/ui/evidence_desk.py" line="123"/>
        <source>The desk&apos;s default printer, no further dialog</source>
        <translation>本席位默认打印机，不再弹出对话框</translation>
    </message>
    <message>
        <location filename="../../console/ui/evidence_desk.py" line="124"/>
        <source>This desk has no default printer</source>
        <translation>本席位没有默认打印机</translation>
    </message>
</context>
<context>
    <name>EvidencePrinting</name>
    <message>
        <location filename="../../console/ui/evidence_print.py" line="43"/>
        <source>Print evidence %1</source>
        <translation>打印证据 %1</translation>
    </message>
    <message>
        <location filename="../../console/ui/evidence_print.py" line="59"/>
        <source>Evidence sheet preview</source>
        <translation>证据单预览</translation>
    </message>
    <message>
        <location filename="../../console/ui/evidence_print.py" line="80"/>
        <source>Save evidence sheet as PDF</source>
        <translation>将证据单保存为 PDF</translation>
    </message>
    <message>
        <location filename="../../console/ui/evidence_print.py" line="81"/>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../console/ui/evidence_print.py" line="88"/>
        <source>This desk has no printer to print to.</source>
        <translation>本座席没有可用的打印机。</translation>
    </message>
    <message>
        <location filename="../../console/ui/evidence_print.py" line="89"/>
        <source>There is no printer %1 on this desk.</source>
        <translation>本座席没有打印机 %1。</translation>
    </message>
    <message>
        <location filename="../../console/ui/evidence_print.py" line="90"/>
        <source>Printer %1 is paused: the sheet was not sent. Resume it or choose another printer.</source>
        <translation>打印机 %1 已暂停：证据单未发送。请恢复该打印机或选择其他打印机。</translation>
    </message>
    <message>
        <location filename="../../console/ui/evidence_print.py" line="92"/>
        <source>Printer %1 refuses jobs: the sheet was not sent.</source>
        <translation>打印机 %1 拒绝接收任务：证据单未发送。</translation>
    </message>
    <message>
        <location filename="../../console/ui/evidence_print.py" line="93"/>
        <source>The printer did not take the sheet.</source>
        <translation>打印机未接收证据单。</translation>
    </message>
    <message>
        <location filename="../../console/ui/evidence_print.py" line="94"/>
        <source>The evidence disk is full: nothing was stored.</source>
        <translation>证据磁盘已满：未保存任何内容。</translation>
    </message>
    <message>
        <location filename="../../console/ui/evidence_print.py" line="95"/>
        <source>This monitor shows no picture: there is nothing to take.</source>
        <translation>该监视器没有画面：无法截取。</translation>
    </message>
    <message>
        <location filename="../../console/ui/evidence_print.py" line="96"/>
        <source>That file exists already: choose another name.</source>
        <translation>该文件已存在：请换一个文件名。</translation>
    </message>
    <message>
        <location filename="../../console/ui/evidence_print.py" line="97"/>
        <source>The picture could not be read.</source>
        <translation>无法读取画面。</translation>
    </message>
    <message>
        <location filename="../../console/ui/evidence_print.py" line="99"/>
        <source>Evidence could not be handled.</source>
        <translation>无法处理证据。</translation>
    </message>
</context>
<context>
    <name>EvidenceSheet</name>
    <message>
        <location filename="../../console/evidence/sheet.py" line="217"/>
        <location filename="../../console/evidence/sheet.py" line="307"/>
        <source>LAST PICTURE, signal lost since %1</source>
        <translation>最后画面，信号自 %1 起丢失</translation>
    </message>
    <message>
        <location filename="../../console/evidence/sheet.py" line="220"/>
        <source>PLAYBACK of a recording (frame time: as recorded)</source>
        <translation>录像回放（帧时间为录制时间）</translation>
    </message>
    <message>
        <location filename="../../console/evidence/sheet.py" line="222"/>
        <source>live picture</source>
        <translation>实时画面</translation>
    </message>
    <message>
        <location filename="../../console/evidence/sheet.py" line="223"/>
        <source>%1 at desk %2, %3</source>
        <translation>%1（座席 %2），%3</translation>
    </message>
    <message>
        <location filename="../../console/evidence/sheet.py" line="225"/>
        <source>%1 × %2 pixels, PNG; the original is kept in the evidence store</source>
        <translation>%1 × %2 像素，PNG；原始图像保存在证据库中</translation>
    </message>
    <message>
        <location filename="../../console/evidence/sheet.py" line="229"/>
        <source>Evidence no.</source>
        <translation>证据编号</translation>
    </message>
    <message>
        <location filename="../../console/evidence/sheet.py" line="230"/>
        <source>Camera</source>
        <translation>摄像机</translation>
    </message>
    <message>
        <location filename="../../console/evidence/sheet.py" line="231"/>
        <source>Place</source>
        <translation>地点</translation>
    </message>
    <message>
        <location filename="../../console/evidence/sheet.py" line="232"/>
        <source>Frame time</source>
        <translation>画面时间</translation>
    </message>
    <message>
        <location filename="../../console/evidence/sheet.py" line="233"/>
        <source>Signal</source>
        <translation>信号</translation>
    </message>
    <message>
        <location filename="../../console/evidence/sheet.py" line="235"/>
        <source>Captured by</source>
        <translation>截取人</translation>
    </message>
    <message>
        <location filename="../../console/evidence/sheet.py" line="236"/>
        <source>Case no.</source>
        <translation>案件编号</translation>
    </message>
    <message>
        <location filename="../../console/evidence/sheet.py" line="237"/>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../console/evidence/sheet.py" line="238"/>
        <source>Picture</source>
        <translation>图像</translation>
    </message>
    <message>
        <location filename="../../console/evidence/sheet.py" line="239"/>
        <location filename="../../console/evidence/sheet.py" line="401"/>
        <location filename="../../console/evidence/sheet.py" line="413"/>
        <source>SHA-256</source>
        <translation>SHA-256</translation>
    </message>
    <message>
        <location filename="../../console/evidence/sheet.py" line="276"/>
        <source>EVIDENCE SHEET</source>
        <translation>证据单</translation>
    </message>
    <message>
        <location filename="../../console/evidence/sheet.py" line="278"/>
        <source>Printed by %1 on %2</source>
        <translation>打印人 %1，打印时间 %2</translation>
    </message>
    <message>
        <location filename="../../console/evidence/sheet.py" line="282"/>
        <source>Sheet %1</source>
        <translation>证据单号 %1</translation>
    </message>
    <message>
        <location filename="../../console/evidence/sheet.py" line="290"/>
        <source>Check: scan the QR code, or run videowall evidence verify on the PDF or the original</source>
        <translation>核验：扫描二维码，或对 PDF 或原始图像运行 videowall evidence verify</translation>
    </message>
    <message>
        <location filename="../../console/evidence/sheet.py" line="295"/>
        <source>Page %1 of %2</source>
        <translation>第 %1 页，共 %2 页</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <location filename="../../console/ui/export_desk.py" line="107"/>
        <source>Export recordings</source>
        <translation>导出录像</translation>
    </message>
    <message>
        <location filename="../../console/ui/export_desk.py" line="135"/>
        <source>Cameras, e.g. 12 14 1042</source>
        <translation>摄像机，例如 12 14 1042</translation>
    </message>
    <message>
        <location filename="../../console/ui/export_desk.py" line="136"/>
        <source>1 to 16 camera numbers</source>
        <translation>1 至 16 个摄像机编号</translation>
    </message>
    <message>
        <location filename="../../console/ui/export_desk.py" line="137"/>
        <source>Cameras:</source>
        <translation>摄像机：</translation>
    </message>
    <message>
        <location filename="../../console/ui/export_desk.py" line="140"/>
        <source>From:</source>
        <translation>从：</translation>
    </message>
    <message>
        <location filename="../../console/ui/export_desk.py" line="144"/>
        <source>Last %1 min</source>
        <translation>最近 %1 分钟</translation>
    </message>
    <message>
        <location filename="../../console/ui/export_desk.py" line="148"/>
        <source>To:</source>
        <translation>到：</translation>
    </message>
    <message>
        <location filename="../../console/ui/export_desk.py" line="151"/>
        <source>Case number:</source>
        <translation>案件编号：</translation>
    </message>
    <message>
        <location filename="../../console/ui/export_desk.py" line="155"/>
        <source>Note:</source>
        <translation>备注：</translation>
    </message>
    <message>
        <location filename="../../console/ui/export_desk.py" line="159"/>
        <source>The export is written into a new folder here, named after the case number and the start</source>
        <translation>导出写入此处的一个新文件夹，以案件编号和开始时间命名</translation>
    </message>
    <message>
        <location filename="../../console/ui/export_desk.py" line="161"/>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <location filename="../../console/ui/export_desk.py" line="166"/>
        <source>Save in:</source>
        <translation>保存到：</translation>
    </message>
    <message>
        <location filename="../../console/ui/export_desk.py" line="185"/>
        <source>Start export</source>
        <translation>开始导出</translation>
    </message>
    <message>
        <location filename="../../console/ui/export_desk.py" line="189"/>
        <source>Cancel export</source>
        <translation>取消导出</translation>
    </message>
    <message>
        <location filename="../../console/ui/export_desk.py" line="193"/>
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <location filename="../../console/ui/export_desk.py" line="197"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../console/ui/export_desk.py" line="199"/>
        <source>A running export goes on in the background</source>
        <translation>正在进行的导出会在后台继续</translation>
    </message>
    <message>
        <location filename="../../console/ui/export_desk.py" line="240"/>
        <source>Save exports in</source>
        <translation>导出保存到</translation>
    </message>
    <message>
        <location filename="../../console/ui/export_desk.py" line="262"/>
        <source>An export is running: wait for it to end or cancel it</source>
        <translation>有导出正在进行：请等待其结束或取消它</translation>
    </message>
    <message>
        <location filename="../../console/ui/export_desk.py" line="267"/>
        <source>Type 1 to %1 camera numbers</source>
        <translation>请输入 1 至 %1 个摄像机编号</translation>
    </message>
    <message>
        <location filename="../../console/ui/export_desk.py" line="270"/>
        <source>The span must end after it starts</source>
        <translation>结束时间必须晚于开始时间</translation>
    </message>
    <message>
        <location filename="../../console/ui/export_desk.py" line="273"/>
        <source>%1 is in the future: nothing is recorded there yet</source>
        <translation>%1 尚未到来：那里还没有录像</translation>
    </message>
    <message>
        <location filename="../../console/ui/export_desk.py" line="286"/>
        <source>The centre&apos;s evidence store cannot be used: %1</source>
        <translation>无法使用中心的证据库：%1</translation>
    </message>
    <message>
        <location filename="../../console/ui/export_desk.py" line="291"/>
        <source>The export cannot start: %1</source>
        <translation>无法开始导出：%1</translation>
    </message>
    <message>
        <location filename="../../console/ui/export_desk.py" line="295"/>
        <source>No recorder serves recordings now (none reports to the matrix host)</source>
        <translation>当前没有录像机提供录像（没有录像机向矩阵主机报告）</translation>
    </message>
    <message>
        <location filename="../../console/ui/export_desk.py" line="305"/>
        <source>Exporting cameras %1, %2 to %3…</source>
        <translation>正在导出摄像机 %1，%2 至 %3…</translation>
    </message>
    <message>
        <location filename="../../console/ui/export_desk.py" line="320"/>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <location filename="../../console/ui/export_desk.py" line="362"/>
        <source>Exported %1 files into %2</source>
        <translation>已导出 %1 个文件到 %2</translation>
    </message>
    <message>
        <location filename="../../console/ui/export_desk.py" line="363"/>
        <source>Export %1, %2 to %3</source>
        <translation>导出 %1，%2 至 %3</translation>
    </message>
    <message>
        <location filename="../../console/ui/export_desk.py" line="367"/>
        <source>Verified: the manifest&apos;s signature and every file&apos;s SHA-256 check out</source>
        <translation>已验证：清单的签名和每个文件的 SHA-256 均相符</translation>
    </message>
    <message>
        <location filename="../../console/ui/export_desk.py" line="369"/>
        <source>NOT VALID: %1</source>
        <translation>无效：%1</translation>
    </message>
    <message>
        <location filename="../../console/ui/export_desk.py" line="371"/>
        <source>The export could not be checked: %1</source>
        <translation>无法验证导出：%1</translation>
    </message>
    <message>
        <location filename="../../console/ui/export_desk.py" line="379"/>
        <source>Export cancelled: nothing was exported</source>
        <translation>导出已取消：没有导出任何内容</translation>
    </message>
    <message>
        <location filename="../../console/ui/export_desk.py" line="382"/>
        <source>The export failed: %1</source>
        <translation>导出失败：%1</translation>
    </message>
    <message>
        <location filename="../../console/ui/export_desk.py" line="420"/>
        <source>The export goes on in the background: the status bar says when it ends</source>
        <translation>导出在后台继续：结束时状态栏会提示</translation>
    </message>
</context>
<context>
    <name>HostReasons</name>
    <message>
        <location filename="../../console/ui/host_reasons.py" line="20"/>
        <location filename="../../console/ui/host_reasons.py" line="76"/>
        <source>unknown camera {camera}</source>
        <translation>没有摄像机 {camera}</translation>
    </message>
    <message>
        <location filename="../../console/ui/host_reasons.py" line="21"/>
        <source>no monitor {monitor}</source>
        <translation>没有监视器 {monitor}</translation>
    </message>
    <message>
        <location filename="../../console/ui/host_reasons.py" line="22"/>
        <source>monitor {monitor} is not shown now: screen {screen} shows grid {grid} (monitors {first}-{last})</source>
        <translation>监视器 {monitor} 当前不显示：屏幕 {screen} 为 {grid} 分割（监视器 {first}-{last}）</translation>
    </message>
    <message>
        <location filename="../../console/ui/host_reasons.py" line="24"/>
        <source>{key} needs a number first</source>
        <translation>{key} 前请先输入号码</translation>
    </message>
    <message>
        <location filename="../../console/ui/host_reasons.py" line="25"/>
        <source>{key} needs a monitor: select one with n MON</source>
        <translation>{key} 需要先选监视器：按 n MON</translation>
    </message>
    <message>
        <location filename="../../console/ui/host_reasons.py" line="26"/>
        <source>unknown key {key}</source>
        <translation>未知按键 {key}</translation>
    </message>
    <message>
        <location filename="../../console/ui/host_reasons.py" line="27"/>
        <source>two numbers in a row ({first} {second}): press a function key between them</source>
        <translation>连续两个号码（{first} {second}）：中间请按功能键</translation>
    </message>
    <message>
        <location filename="../../console/ui/host_reasons.py" line="28"/>
        <source>{number} is too large: numbers go up to {limit}</source>
        <translation>{number} 太大：号码最大为 {limit}</translation>
    </message>
    <message>
        <location filename="../../console/ui/host_reasons.py" line="29"/>
        <source>the line is too long: at most {limit} characters</source>
        <translation>输入太长：最多 {limit} 个字符</translation>
    </message>
    <message>
        <location filename="../../console/ui/host_reasons.py" line="30"/>
        <source>CLEAR with nothing typed and no monitor selected</source>
        <translation>未输入号码也未选监视器，CLEAR 无效</translation>
    </message>
    <message>
        <location filename="../../console/ui/host_reasons.py" line="31"/>
        <source>unknown salvo {salvo}</source>
        <translation>没有预案 {salvo}</translation>
    </message>
    <message>
        <location filename="../../console/ui/host_reasons.py" line="32"/>
        <source>salvo {salvo}: unknown camera {camera}</source>
        <translation>预案 {salvo}：没有摄像机 {camera}</translation>
    </message>
    <message>
        <location filename="../../console/ui/host_reasons.py" line="33"/>
        <source>unknown tour {tour}</source>
        <translation>没有轮巡 {tour}</translation>
    </message>
    <message>
        <location filename="../../console/ui/host_reasons.py" line="34"/>
        <source>tour {tour}: unknown camera {camera}</source>
        <translation>轮巡 {tour}：没有摄像机 {camera}</translation>
    </message>
    <message>
        <location filename="../../console/ui/host_reasons.py" line="35"/>
        <source>tour {tour}: each camera needs a dwell time</source>
        <translation>轮巡 {tour}：每个摄像机都需要停留时间</translation>
    </message>
    <message>
        <location filename="../../console/ui/host_reasons.py" line="36"/>
        <source>{desk} is an operator: {command} needs a supervisor</source>
        <translation>{desk} 是操作员：{command} 需要值班长权限</translation>
    </message>
    <message>
        <location filename="../../console/ui/host_reasons.py" line="37"/>
        <source>tour {tour}: a dwell of {dwell} s is shorter than this centre&apos;s {minimum} s</source>
        <translation>轮巡 {tour}：停留 {dwell} 秒短于本中心的最短 {minimum} 秒</translation>
    </message>
    <message>
        <location filename="../../console/ui/host_reasons.py" line="38"/>
        <source>no camera after {camera}</source>
        <translation>{camera} 之后没有摄像机</translation>
    </message>
    <message>
        <location filename="../../console/ui/host_reasons.py" line="39"/>
        <source>no camera before {camera}</source>
        <translation>{camera} 之前没有摄像机</translation>
    </message>
    <message>
        <location filename="../../console/ui/host_reasons.py" line="40"/>
        <source>no tour runs on monitor {monitor}</source>
        <translation>监视器 {monitor} 上没有轮巡</translation>
    </message>
    <message>
        <location filename="../../console/ui/host_reasons.py" line="41"/>
        <source>unknown grid {grid} (known: {known})</source>
        <translation>没有 {grid} 分割（可用：{known}）</translation>
    </message>
    <message>
        <location filename="../../console/ui/host_reasons.py" line="42"/>
        <source>screen {screen} has {block} monitor numbers ({first}-{last}); grid {grid} needs more</source>
        <translation>屏幕 {screen} 只有 {block} 个监视器号（{first}-{last}），{grid} 分割需要更多</translation>
    </message>
    <message>
        <location filename="../../console/ui/host_reasons.py" line="44"/>
        <source>no screen {screen}</source>
        <translation>没有屏幕 {screen}</translation>
    </message>
    <message>
        <location filename="../../console/ui/host_reasons.py" line="45"/>
        <source>screen {screen} has no tile {tile}</source>
        <translation>屏幕 {screen} 没有第 {tile} 格</translation>
    </message>
    <message>
        <location filename="../../console/ui/host_reasons.py" line="46"/>
        <source>internal error (logged)</source>
        <translation>内部错误（已记录日志）</translation>
    </message>
    <message>
        <location filename="../../console/ui/host_reasons.py" line="47"/>
        <source>the matrix host does not answer</source>
        <translation>矩阵主机没有应答</translation>
    </message>
    <message>
        <location filename="../../console/ui/host_reasons.py" line="48"/>
        <source>camera {camera} is held by {holder} ({role}) for {seconds} s</source>
        <translation>摄像机 {camera} 正由 {holder}（{role}）控制，还剩 {seconds} 秒</translation>
    </message>
    <message>
        <location filename="../../console/ui/host_reasons.py" line="49"/>
        <source>camera {camera} is locked by {holder} ({role}) until released</source>
        <translation>摄像机 {camera} 已被 {holder}（{role}）锁定，需其释放</translation>
    </message>
    <message>
        <location filename="../../console/ui/host_reasons.py" line="50"/>
        <source>a {role} cannot lock camera {camera}</source>
        <translation>{role} 不能锁定摄像机 {camera}</translation>
    </message>
    <message>
        <location filename="../../console/ui/host_reasons.py" line="51"/>
        <source>camera {camera} has no PTZ tour {tour}</source>
        <translation>摄像机 {camera} 没有云台巡航 {tour}</translation>
    </message>
    <message>
        <location filename="../../console/ui/host_reasons.py" line="52"/>
        <source>monitor {monitor} shows no camera to steer</source>
        <translation>监视器 {monitor} 上没有可控制的摄像机</translation>
    </message>
    <message>
        <location filename="../../console/ui/host_reasons.py" line="53"/>
        <source>camera {camera}: {text}</source>
        <translation>摄像机 {camera}：{text}</translation>
    </message>
    <message>
        <location filename="../../console/ui/host_reasons.py" line="54"/>
        <location filename="../../console/ui/host_reasons.py" line="68"/>
        <source>{text}</source>
        <translation>{text}</translation>
    </message>
    <message>
        <location filename="../../console/ui/host_reasons.py" line="55"/>
        <source>tour {tour} on monitor {monitor} stopped: grid changed to {grid}</source>
        <translation>监视器 {monitor} 上的轮巡 {tour} 已停止：分割改为 {grid}</translation>
    </message>
    <message>
        <location filename="../../console/ui/host_reasons.py" line="56"/>
        <source>tour step to camera {camera} on monitor {monitor} skipped: internal error (logged)</source>
        <translation>轮巡切换到监视器 {monitor} 的摄像机 {camera} 时出现内部错误，已跳过（已记录日志）</translation>
    </message>
    <message>
        <location filename="../../console/ui/host_reasons.py" line="58"/>
        <source>salvo {salvo}: monitors {monitors} are not shown now (skipped)</source>
        <translation>预案 {salvo}：监视器 {monitors} 当前不显示（已跳过）</translation>
    </message>
    <message>
        <location filename="../../console/ui/host_reasons.py" line="59"/>
        <source>camera {camera} recorded until {until}</source>
        <translation>摄像机 {camera} 录像至 {until}</translation>
    </message>
    <message>
        <location filename="../../console/ui/host_reasons.py" line="60"/>
        <source>no recorder answers: camera {camera} is recorded once one does</source>
        <translation>没有录像机响应：摄像机 {camera} 将在录像机上线后录像</translation>
    </message>
    <message>
        <location filename="../../console/ui/host_reasons.py" line="61"/>
        <source>monitor {monitor} shows no camera to record</source>
        <translation>监视器 {monitor} 没有可录像的摄像机</translation>
    </message>
    <message>
        <location filename="../../console/ui/host_reasons.py" line="62"/>
        <source>REC for {minutes} minutes: at most {limit} (a day)</source>
        <translation>录像 {minutes} 分钟：最多 {limit} 分钟（一天）</translation>
    </message>
    <message>
        <location filename="../../console/ui/host_reasons.py" line="63"/>
        <source>monitor {monitor} shows no camera to play back</source>
        <translation>监视器 {monitor} 没有可回放的摄像机</translation>
    </message>
    <message>
        <location filename="../../console/ui/host_reasons.py" line="64"/>
        <source>PLAY from {seconds} seconds ago: 1 to {limit} (a week)</source>
        <translation>从 {seconds} 秒前回放：范围为 1 到 {limit}（一周）</translation>
    </message>
    <message>
        <location filename="../../console/ui/host_reasons.py" line="65"/>
        <source>a recording cannot be played from the future</source>
        <translation>不能从未来的时间回放录像</translation>
    </message>
    <message>
        <location filename="../../console/ui/host_reasons.py" line="66"/>
        <source>monitor {monitor} plays no recording</source>
        <translation>监视器 {monitor} 没有在回放录像</translation>
    </message>
    <message>
        <location filename="../../console/ui/host_reasons.py" line="67"/>
        <source>{desk} ({role}) has no {right} right</source>
        <translation>{desk}（{role}）没有 {right} 权限</translation>
    </message>
    <message>
        <location filename="../../console/ui/host_reasons.py" line="69"/>
        <source>a {role} may not release a bookmark: it needs a supervisor</source>
        <translation>{role}不能解除书签：需要值班长</translation>
    </message>
    <message>
        <location filename="../../console/ui/host_reasons.py" line="70"/>
        <source>the host cannot sign recording tokens (the centre&apos;s key is missing from its keyring)</source>
        <translation>主机无法签发录像令牌（密钥环中缺少中心的密钥）</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <location filename="../../console/ui/catalog_import.py" line="82"/>
        <source>Import camera catalog</source>
        <translation>导入摄像机目录</translation>
    </message>
    <message>
        <location filename="../../console/ui/catalog_import.py" line="83"/>
        <source>Opening %1…</source>
        <translation>正在打开 %1…</translation>
    </message>
    <message>
        <location filename="../../console/ui/catalog_import.py" line="97"/>
        <source>Reading the file</source>
        <translation>正在读取文件</translation>
    </message>
    <message>
        <location filename="../../console/ui/catalog_import.py" line="97"/>
        <source>Checking cameras</source>
        <translation>正在检查摄像机</translation>
    </message>
    <message>
        <location filename="../../console/ui/catalog_import.py" line="98"/>
        <source>Writing the catalog</source>
        <translation>正在写入目录</translation>
    </message>
    <message>
        <location filename="../../console/ui/catalog_import.py" line="98"/>
        <source>Building the search index</source>
        <translation>正在建立搜索索引</translation>
    </message>
    <message>
        <location filename="../../console/ui/catalog_import.py" line="112"/>
        <source>about %1 s left</source>
        <translation>约剩 %1 秒</translation>
    </message>
</context>
<context>
    <name>KeyboardPanel</name>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="387"/>
        <source>Type keys, e.g. 3 MON 1042 CAM; Enter sends, Up/Down recall</source>
        <translation>输入按键，例如 3 MON 1042 CAM；回车发送，上/下键调出历史</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="389"/>
        <source>The whole keyboard as one line. Key words complete as you type (MON, CAM, NEXT, PREV, SEQ, HOLD, SALVO, CLEAR). Keypad keys type here while this line has the focus.</source>
        <translation>用一行输入整个键盘操作。键名输入时自动补全（MON、CAM、NEXT、PREV、SEQ、HOLD、SALVO、CLEAR）。此行有焦点时，小键盘按键输入到这里。</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="395"/>
        <source>The matrix host&apos;s answers to the last lines</source>
        <translation>矩阵主机对最近几行的应答</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="413"/>
        <source>MON</source>
        <translation>MON</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="413"/>
        <source>CAM</source>
        <translation>CAM</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="413"/>
        <source>NEXT</source>
        <translation>NEXT</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="413"/>
        <source>PREV</source>
        <translation>PREV</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="414"/>
        <source>SEQ</source>
        <translation>SEQ</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="414"/>
        <source>HOLD</source>
        <translation>HOLD</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="414"/>
        <source>SALVO</source>
        <translation>SALVO</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="414"/>
        <source>CLEAR</source>
        <translation>CLEAR</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="415"/>
        <source>SNAP</source>
        <translation>抓拍</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="415"/>
        <source>PRINT</source>
        <translation>打印</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="420"/>
        <source>Select a monitor: type its number, then MON</source>
        <translation>选择监视器：输入编号，再按 MON</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="421"/>
        <source>Show a camera on the selected monitor: type its number, then CAM</source>
        <translation>在所选监视器上显示摄像机：输入编号，再按 CAM</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="422"/>
        <source>Next camera on the selected monitor, or the next step of its tour</source>
        <translation>所选监视器的下一路摄像机，或轮巡的下一步</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="423"/>
        <source>Previous camera on the selected monitor, or the previous step of its tour</source>
        <translation>所选监视器的上一路摄像机，或轮巡的上一步</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="424"/>
        <source>Start a tour on the selected monitor: type its number, then SEQ</source>
        <translation>在所选监视器上启动轮巡：输入编号，再按 SEQ</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="425"/>
        <source>Hold the tour on the selected monitor</source>
        <translation>暂停所选监视器上的轮巡</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="426"/>
        <source>Recall a salvo: type its number, then SALVO</source>
        <translation>调用预案：输入编号，再按 SALVO</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="427"/>
        <source>Clear the number being typed; with nothing typed, clear the selected monitor</source>
        <translation>清除正在输入的数字；未输入时清空所选监视器</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="428"/>
        <source>Store the selected monitor&apos;s picture as evidence (or monitor n: type n, then SNAP)</source>
        <translation>将所选监视器的画面存为证据（或监视器 n：先输入 n，再按 SNAP）</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="429"/>
        <source>Print the selected monitor&apos;s picture as an evidence sheet: case number, note, printer</source>
        <translation>将所选监视器的画面打印为证据单：案件编号、备注、打印机</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="436"/>
        <source>ZOOM</source>
        <translation>变倍</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="436"/>
        <source>WIDE</source>
        <translation>广角</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="436"/>
        <source>TELE</source>
        <translation>长焦</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="437"/>
        <source>FOCUS</source>
        <translation>聚焦</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="437"/>
        <source>NEAR</source>
        <translation>近</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="437"/>
        <source>FAR</source>
        <translation>远</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="438"/>
        <source>IRIS</source>
        <translation>光圈</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="438"/>
        <source>CLOSE</source>
        <translation>关</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="438"/>
        <source>OPEN</source>
        <translation>开</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="439"/>
        <location filename="../../console/ui/keyboard_panel.py" line="637"/>
        <source>PRESET</source>
        <translation>预置位</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="439"/>
        <location filename="../../console/ui/keyboard_panel.py" line="637"/>
        <source>SET</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="475"/>
        <source>Selected monitor, number being typed, and the host&apos;s last answer</source>
        <translation>所选监视器、正在输入的数字和主机的最近应答</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="506"/>
        <source>Digit: builds the number for the next function key</source>
        <translation>数字键：为下一个功能键输入编号</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="535"/>
        <source>PTZ</source>
        <translation>云台</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="537"/>
        <source>PTZ: select a monitor that shows a dome</source>
        <translation>云台：请选择显示球机的监视器</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="545"/>
        <source>Hold to move, let go to stop</source>
        <translation>按住移动，松开停止</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="557"/>
        <source>Call a preset of the dome: type its number, then PRESET</source>
        <translation>调用球机预置位：先输入编号，再按 PRESET</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="559"/>
        <source>Store where the dome points as a preset: type its number, then SET</source>
        <translation>将球机当前位置保存为预置位：先输入编号，再按 SET</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="568"/>
        <source>Speed</source>
        <translation>速度</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="573"/>
        <source>How fast a held key moves the dome at most; it starts slower and speeds up</source>
        <translation>按住按键时球机的最高速度；先慢后快</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="579"/>
        <source>Lock</source>
        <translation>锁定</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="580"/>
        <source>Release</source>
        <translation>释放</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="607"/>
        <source>keypad with NumLock off: %1</source>
        <translation>小键盘（关闭 NumLock）：%1</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="638"/>
        <source>type a preset number, then %1</source>
        <translation>输入预置位编号，再按 %1</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="653"/>
        <source>Only supervisors lock a dome</source>
        <translation>只有值班长可以锁定球机</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="654"/>
        <source>Hold the dome until released: nobody of a lower or equal priority takes it</source>
        <translation>占用球机直至释放：优先级相同或更低的人无法接管</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="656"/>
        <source>Give the dome back now</source>
        <translation>立即交还球机</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="711"/>
        <source>Numeric keypad: %1</source>
        <translation>小键盘：%1</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="787"/>
        <source>(no answer)</source>
        <translation>（无应答）</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="820"/>
        <source>NO HOST</source>
        <translation>无主机</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="843"/>
        <source>MON --</source>
        <translation>监视器 --</translation>
    </message>
    <message>
        <location filename="../../console/ui/keyboard_panel.py" line="845"/>
        <source>MON %1</source>
        <translation>监视器 %1</translation>
    </message>
</context>
<context>
    <name>MainMonitor</name>
    <message>
        <location filename="../../console/ui/console.py" line="357"/>
        <source>1</source>
        <translation>1</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="358"/>
        <source>4</source>
        <translation>4</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="363"/>
        <source>One big picture</source>
        <translation>单画面</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="364"/>
        <source>Four pictures</source>
        <translation>四画面</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="419"/>
        <source>Snapshot as evidence</source>
        <translation>抓拍存证</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="420"/>
        <source>Print evidence…</source>
        <translation>打印证据…</translation>
    </message>
</context>
<context>
    <name>PictureJoystick</name>
    <message>
        <location filename="../../console/ui/ptz.py" line="568"/>
        <source>Drag to steer the dome (further is faster), wheel to zoom</source>
        <translation>拖动以控制球机（越远越快），滚轮变倍</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz.py" line="570"/>
        <source>Double-click to centre that point</source>
        <translation>双击将该点居中</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz.py" line="572"/>
        <source>Double-click centring: not on this dome (its protocol takes no point of the picture)</source>
        <translation>双击居中：此球机不支持（其协议无法按画面位置转动）</translation>
    </message>
</context>
<context>
    <name>PlaybackTile</name>
    <message>
        <location filename="../../console/ui/playback.py" line="144"/>
        <source>PLAYBACK</source>
        <translation>回放</translation>
    </message>
    <message>
        <location filename="../../console/ui/playback.py" line="146"/>
        <source>keyframes</source>
        <translation>仅关键帧</translation>
    </message>
</context>
<context>
    <name>PlaybackWorkspace</name>
    <message>
        <location filename="../../console/ui/playback.py" line="406"/>
        <source>Playback</source>
        <translation>回放</translation>
    </message>
    <message>
        <location filename="../../console/ui/playback.py" line="439"/>
        <source>Cameras, e.g. 12 14 1042</source>
        <translation>摄像机，例如 12 14 1042</translation>
    </message>
    <message>
        <location filename="../../console/ui/playback.py" line="440"/>
        <source>Up to 16 camera numbers, played in sync</source>
        <translation>最多 16 个摄像机编号，同步回放</translation>
    </message>
    <message>
        <location filename="../../console/ui/playback.py" line="446"/>
        <source>Go</source>
        <translation>前往</translation>
    </message>
    <message>
        <location filename="../../console/ui/playback.py" line="449"/>
        <source>Cameras</source>
        <translation>摄像机</translation>
    </message>
    <message>
        <location filename="../../console/ui/playback.py" line="451"/>
        <source>From</source>
        <translation>起始</translation>
    </message>
    <message>
        <location filename="../../console/ui/playback.py" line="455"/>
        <source>Last %1 min</source>
        <translation>最近 %1 分钟</translation>
    </message>
    <message>
        <location filename="../../console/ui/playback.py" line="475"/>
        <source>Previous recorded span (PgUp)</source>
        <translation>上一段录像（PgUp）</translation>
    </message>
    <message>
        <location filename="../../console/ui/playback.py" line="476"/>
        <source>Back 1 minute (Ctrl+Left)</source>
        <translation>后退 1 分钟（Ctrl+左）</translation>
    </message>
    <message>
        <location filename="../../console/ui/playback.py" line="477"/>
        <source>Back 10 seconds (Shift+Left)</source>
        <translation>后退 10 秒（Shift+左）</translation>
    </message>
    <message>
        <location filename="../../console/ui/playback.py" line="478"/>
        <source>One frame back (Left)</source>
        <translation>后退一帧（左）</translation>
    </message>
    <message>
        <location filename="../../console/ui/playback.py" line="479"/>
        <source>Play / pause (Space)</source>
        <translation>播放 / 暂停（空格）</translation>
    </message>
    <message>
        <location filename="../../console/ui/playback.py" line="480"/>
        <source>One frame forward (Right)</source>
        <translation>前进一帧（右）</translation>
    </message>
    <message>
        <location filename="../../console/ui/playback.py" line="481"/>
        <source>Forward 10 seconds (Shift+Right)</source>
        <translation>前进 10 秒（Shift+右）</translation>
    </message>
    <message>
        <location filename="../../console/ui/playback.py" line="482"/>
        <source>Forward 1 minute (Ctrl+Right)</source>
        <translation>前进 1 分钟（Ctrl+右）</translation>
    </message>
    <message>
        <location filename="../../console/ui/playback.py" line="483"/>
        <source>Next recorded span (PgDown)</source>
        <translation>下一段录像（PgDown）</translation>
    </message>
    <message>
        <location filename="../../console/ui/playback.py" line="484"/>
        <source>Mark the in point here (I); Alt+X clears the marks</source>
        <translation>在此设置入点（I）；Alt+X 清除标记</translation>
    </message>
    <message>
        <location filename="../../console/ui/playback.py" line="485"/>
        <source>Mark the out point here (O): bookmark and export take the marked span</source>
        <translation>在此设置出点（O）：书签和导出使用标记的时段</translation>
    </message>
    <message>
        <location filename="../../console/ui/playback.py" line="500"/>
        <source>Speed (+ and − change it)</source>
        <translation>速度（用 + 和 − 调整）</translation>
    </message>
    <message>
        <location filename="../../console/ui/playback.py" line="505"/>
        <source>The recorded time of the pictures shown</source>
        <translation>所显示画面的录制时间</translation>
    </message>
    <message>
        <location filename="../../console/ui/playback.py" line="507"/>
        <source>Bookmark…</source>
        <translation>书签…</translation>
    </message>
    <message>
        <location filename="../../console/ui/playback.py" line="509"/>
        <source>Mark this moment with a note and a case number (B)</source>
        <translation>用备注和案件编号标记此刻（B）</translation>
    </message>
    <message>
        <location filename="../../console/ui/playback.py" line="513"/>
        <source>On the wall</source>
        <translation>上墙</translation>
    </message>
    <message>
        <location filename="../../console/ui/playback.py" line="515"/>
        <source>Play these cameras from this moment on the wall, from the selected monitor on (W)</source>
        <translation>从所选监视器起，在电视墙上从此刻回放这些摄像机（W）</translation>
    </message>
    <message>
        <location filename="../../console/ui/playback.py" line="519"/>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <location filename="../../console/ui/playback.py" line="521"/>
        <source>Export these cameras over the span the timeline shows, as signed evidence (E)</source>
        <translation>将这些摄像机在时间轴所示时段内的录像导出为签名证据 (E)</translation>
    </message>
    <message>
        <location filename="../../console/ui/playback.py" line="525"/>
        <source>Live</source>
        <translation>实况</translation>
    </message>
    <message>
        <location filename="../../console/ui/playback.py" line="527"/>
        <source>Back to live (Esc)</source>
        <translation>返回实况（Esc）</translation>
    </message>
    <message>
        <location filename="../../console/ui/playback.py" line="555"/>
        <source>Type one or more camera numbers</source>
        <translation>请输入一个或多个摄像机编号</translation>
    </message>
    <message>
        <location filename="../../console/ui/playback.py" line="567"/>
        <source>At most %1 cameras play in sync; the first %1 are shown</source>
        <translation>最多 %1 路摄像机同步回放；只显示前 %1 路</translation>
    </message>
    <message>
        <location filename="../../console/ui/playback.py" line="571"/>
        <source>%1 is in the future: nothing is recorded there yet</source>
        <translation>%1 尚未到来：那里还没有录像</translation>
    </message>
    <message>
        <location filename="../../console/ui/playback.py" line="640"/>
        <source>from its NVR</source>
        <translation>来自其 NVR</translation>
    </message>
    <message>
        <location filename="../../console/ui/playback.py" line="761"/>
        <source>No recording here: %1</source>
        <translation>此处无录像：%1</translation>
    </message>
    <message>
        <location filename="../../console/ui/playback.py" line="848"/>
        <source>Bookmark</source>
        <translation>书签</translation>
    </message>
    <message>
        <location filename="../../console/ui/playback.py" line="848"/>
        <source>Note (a case number after #):</source>
        <translation>备注（# 后为案件编号）：</translation>
    </message>
</context>
<context>
    <name>PtzControl</name>
    <message>
        <location filename="../../console/ui/ptz.py" line="153"/>
        <source>main monitor</source>
        <translation>主监视器</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz.py" line="154"/>
        <source>MON %1</source>
        <translation>监视器 %1</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz.py" line="340"/>
        <location filename="../../console/ui/ptz.py" line="368"/>
        <location filename="../../console/ui/ptz.py" line="382"/>
        <location filename="../../console/ui/ptz.py" line="429"/>
        <source>PTZ CAM %1 %2</source>
        <translation>云台 摄像机 %1 %2</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz.py" line="389"/>
        <source>CENTRE</source>
        <translation>居中</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz.py" line="392"/>
        <source>AUX %1 ON</source>
        <translation>辅助 %1 开</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz.py" line="392"/>
        <source>AUX %1 OFF</source>
        <translation>辅助 %1 关</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz.py" line="399"/>
        <source>%1 CLEAR</source>
        <translation>%1 清除</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz.py" line="403"/>
        <source>SAVE TOUR %1</source>
        <translation>保存巡航 %1</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz.py" line="406"/>
        <source>TOUR %1</source>
        <translation>巡航 %1</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz.py" line="409"/>
        <source>STOP TOUR</source>
        <translation>停止巡航</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz.py" line="412"/>
        <source>PARK %1 AFTER %2 MIN</source>
        <translation>%2 分钟后归位到 %1</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz.py" line="413"/>
        <source>NO PARK</source>
        <translation>不归位</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz.py" line="428"/>
        <source>LOCK</source>
        <translation>锁定</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz.py" line="428"/>
        <source>RELEASE</source>
        <translation>释放</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz.py" line="489"/>
        <source>PTZ: select a monitor that shows a dome</source>
        <translation>云台：请选择显示球机的监视器</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz.py" line="492"/>
        <source>CAM %1</source>
        <translation>摄像机 %1</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz.py" line="494"/>
        <source>%1: no PTZ</source>
        <translation>%1：无云台</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz.py" line="495"/>
        <source>This camera cannot be steered (no ptz: in the catalog)</source>
        <translation>此摄像机无法控制（目录中没有 ptz:）</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz.py" line="500"/>
        <source>line %1: %2</source>
        <translation>线路 %1：%2</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz.py" line="505"/>
        <source>%1: free</source>
        <translation>%1：空闲</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz.py" line="506"/>
        <source>Nobody steers this dome: the first move takes it</source>
        <translation>无人控制此球机：第一个操作者获得控制</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz.py" line="508"/>
        <source>%1: locked by you until released</source>
        <translation>%1：已被您锁定，直至释放</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz.py" line="508"/>
        <source>%1: yours</source>
        <translation>%1：由您控制</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz.py" line="509"/>
        <source>This desk steers the dome</source>
        <translation>本席位正在控制该球机</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz.py" line="513"/>
        <source>%1: locked by %2</source>
        <translation>%1：已被 %2 锁定</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz.py" line="515"/>
        <source>%1: held by %2</source>
        <translation>%1：由 %2 控制</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz.py" line="517"/>
        <source>Held by %1: a move takes it over (your priority is higher)</source>
        <translation>由 %1 控制：操作即可接管（您的优先级更高）</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz.py" line="518"/>
        <source>Held by %1: the pad works again when it lets go</source>
        <translation>由 %1 控制：对方释放后云台键盘恢复可用</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz.py" line="531"/>
        <source>operator</source>
        <translation>操作员</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz.py" line="531"/>
        <source>supervisor</source>
        <translation>值班长</translation>
    </message>
</context>
<context>
    <name>PtzSetupDialog</name>
    <message>
        <location filename="../../console/ui/ptz_setup.py" line="62"/>
        <source>Dome presets and tours</source>
        <translation>球机预置位与巡航</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz_setup.py" line="68"/>
        <source>Presets</source>
        <translation>预置位</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz_setup.py" line="80"/>
        <source>Name, e.g. East gate</source>
        <translation>名称，例如：东门</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz_setup.py" line="87"/>
        <source>Go to</source>
        <translation>调用</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz_setup.py" line="87"/>
        <source>Call the preset (n PRESET)</source>
        <translation>调用预置位（n PRESET）</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz_setup.py" line="88"/>
        <source>Store here</source>
        <translation>存于此处</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz_setup.py" line="89"/>
        <source>Store where the dome points now under this number and name (n SET)</source>
        <translation>以此编号和名称保存球机当前位置（n SET）</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz_setup.py" line="90"/>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz_setup.py" line="90"/>
        <source>Forget the preset</source>
        <translation>删除该预置位</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz_setup.py" line="100"/>
        <source>PTZ tour</source>
        <translation>云台巡航</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz_setup.py" line="105"/>
        <source>Tour</source>
        <translation>巡航</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz_setup.py" line="108"/>
        <source>preset:seconds, e.g. 1:10, 2:15, 3:10</source>
        <translation>预置位:秒，例如 1:10, 2:15, 3:10</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz_setup.py" line="109"/>
        <source>Steps</source>
        <translation>步骤</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz_setup.py" line="111"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz_setup.py" line="112"/>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz_setup.py" line="113"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz_setup.py" line="121"/>
        <source>Park</source>
        <translation>归位</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz_setup.py" line="130"/>
        <source>never</source>
        <translation>从不</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz_setup.py" line="131"/>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz_setup.py" line="132"/>
        <source>Set</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz_setup.py" line="134"/>
        <source>Send the dome to this preset after so many minutes with nobody steering it</source>
        <translation>无人操作达到设定分钟数后，球机回到此预置位</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz_setup.py" line="136"/>
        <source>Preset</source>
        <translation>预置位</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz_setup.py" line="138"/>
        <source>after</source>
        <translation>之后</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz_setup.py" line="143"/>
        <source>Auxiliary outputs</source>
        <translation>辅助输出</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz_setup.py" line="148"/>
        <source>The dome&apos;s relay: often 1 is the wiper, 2 the light</source>
        <translation>球机的继电器：通常 1 为雨刷，2 为灯光</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz_setup.py" line="149"/>
        <source>Output</source>
        <translation>输出</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz_setup.py" line="151"/>
        <source>On</source>
        <translation>开</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz_setup.py" line="151"/>
        <source>Off</source>
        <translation>关</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz_setup.py" line="197"/>
        <source>Select a monitor that shows a dome</source>
        <translation>请选择显示球机的监视器</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz_setup.py" line="200"/>
        <source>CAM %1</source>
        <translation>摄像机 %1</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz_setup.py" line="202"/>
        <source>touring: %1</source>
        <translation>巡航中：%1</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz_setup.py" line="229"/>
        <source>Name the tour first</source>
        <translation>请先为巡航命名</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz_setup.py" line="234"/>
        <source>A tour step is preset:seconds, e.g. 1:10; not %1</source>
        <translation>巡航步骤格式为 预置位:秒，例如 1:10；而不是 %1</translation>
    </message>
    <message>
        <location filename="../../console/ui/ptz_setup.py" line="235"/>
        <source>A tour needs at least one step, e.g. 1:10, 2:15</source>
        <translation>巡航至少需要一个步骤，例如 1:10, 2:15</translation>
    </message>
</context>
<context>
    <name>QPrintPreviewDialog</name>
    <message>
        <location filename="../../console/ui/evidence_print.py" line="61"/>
        <source>Print</source>
        <translation>打印</translation>
    </message>
</context>
<context>
    <name>ReasonTexts</name>
    <message>
        <location filename="../../console/ui/reasons.py" line="22"/>
        <source>no video stream</source>
        <translation>没有视频流</translation>
    </message>
    <message>
        <location filename="../../console/ui/reasons.py" line="23"/>
        <source>401 unauthorized (wrong user or password)</source>
        <translation>401 未授权（用户名或密码错误）</translation>
    </message>
    <message>
        <location filename="../../console/ui/reasons.py" line="24"/>
        <source>404 not found (wrong path?)</source>
        <translation>404 未找到（路径错误？）</translation>
    </message>
    <message>
        <location filename="../../console/ui/reasons.py" line="26"/>
        <source>404 not found (the server no longer offers this stream)</source>
        <translation>404 未找到（服务器已不再提供此视频流）</translation>
    </message>
    <message>
        <location filename="../../console/ui/reasons.py" line="27"/>
        <location filename="../../console/ui/reasons.py" line="48"/>
        <source>403 forbidden</source>
        <translation>403 禁止访问</translation>
    </message>
    <message>
        <location filename="../../console/ui/reasons.py" line="28"/>
        <source>connection refused (wrong host or port?)</source>
        <translation>连接被拒绝（主机或端口错误？）</translation>
    </message>
    <message>
        <location filename="../../console/ui/reasons.py" line="29"/>
        <source>connection refused (camera or server down?)</source>
        <translation>连接被拒绝（摄像机或服务器已关闭？）</translation>
    </message>
    <message>
        <location filename="../../console/ui/reasons.py" line="30"/>
        <source>timed out</source>
        <translation>超时</translation>
    </message>
    <message>
        <location filename="../../console/ui/reasons.py" line="31"/>
        <source>timed out (no answer from the camera)</source>
        <translation>超时（摄像机没有响应）</translation>
    </message>
    <message>
        <location filename="../../console/ui/reasons.py" line="32"/>
        <source>no route to the camera (network down?)</source>
        <translation>无法连到摄像机（网络中断？）</translation>
    </message>
    <message>
        <location filename="../../console/ui/reasons.py" line="33"/>
        <source>invalid data (not a video stream?)</source>
        <translation>数据无效（不是视频流？）</translation>
    </message>
    <message>
        <location filename="../../console/ui/reasons.py" line="34"/>
        <location filename="../../console/ui/reasons.py" line="50"/>
        <source>stream ended</source>
        <translation>视频流已结束</translation>
    </message>
    <message>
        <location filename="../../console/ui/reasons.py" line="35"/>
        <source>no picture after 10 s</source>
        <translation>10 秒后仍无画面</translation>
    </message>
    <message>
        <location filename="../../console/ui/reasons.py" line="36"/>
        <source>libvlc cannot play this source</source>
        <translation>libvlc 无法播放此视频源</translation>
    </message>
    <message>
        <location filename="../../console/ui/reasons.py" line="37"/>
        <source>decoder shows no new pictures</source>
        <translation>解码器没有新画面</translation>
    </message>
    <message>
        <location filename="../../console/ui/reasons.py" line="38"/>
        <location filename="../../console/ui/reasons.py" line="53"/>
        <source>no picture</source>
        <translation>无画面</translation>
    </message>
    <message>
        <location filename="../../console/ui/reasons.py" line="44"/>
        <source>refused</source>
        <translation>被拒绝</translation>
    </message>
    <message>
        <location filename="../../console/ui/reasons.py" line="45"/>
        <source>no answer</source>
        <translation>无响应</translation>
    </message>
    <message>
        <location filename="../../console/ui/reasons.py" line="46"/>
        <source>no route</source>
        <translation>网络不通</translation>
    </message>
    <message>
        <location filename="../../console/ui/reasons.py" line="47"/>
        <source>401 password</source>
        <translation>401 密码错误</translation>
    </message>
    <message>
        <location filename="../../console/ui/reasons.py" line="49"/>
        <source>404 not found</source>
        <translation>404 未找到</translation>
    </message>
    <message>
        <location filename="../../console/ui/reasons.py" line="51"/>
        <source>no video</source>
        <translation>无视频</translation>
    </message>
    <message>
        <location filename="../../console/ui/reasons.py" line="52"/>
        <source>bad data</source>
        <translation>数据无效</translation>
    </message>
    <message>
        <location filename="../../console/ui/reasons.py" line="54"/>
        <source>decoder stalled</source>
        <translation>解码停滞</translation>
    </message>
    <message>
        <location filename="../../console/ui/reasons.py" line="55"/>
        <source>cannot play</source>
        <translation>无法播放</translation>
    </message>
    <message>
        <location filename="../../console/ui/reasons.py" line="62"/>
        <source>reconnecting: %1</source>
        <translation>正在重连：%1</translation>
    </message>
</context>
<context>
    <name>SalvoTourPanel</name>
    <message>
        <location filename="../../console/ui/console.py" line="458"/>
        <source>Salvos</source>
        <translation>预案</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="463"/>
        <source>Recall</source>
        <translation>调用</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="465"/>
        <source>Save wall as salvo…</source>
        <translation>将电视墙保存为预案…</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="470"/>
        <source>Tours</source>
        <translation>轮巡</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="475"/>
        <source>Start on the selected monitor</source>
        <translation>在所选监视器上启动</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="477"/>
        <source>Edit tour…</source>
        <translation>编辑轮巡…</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="486"/>
        <source>Only supervisors save salvos</source>
        <translation>只有值班长可以保存预案</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="488"/>
        <source>Only supervisors edit tours</source>
        <translation>只有值班长可以编辑轮巡</translation>
    </message>
</context>
<context>
    <name>TileWidget</name>
    <message>
        <location filename="../../console/ui/tile.py" line="292"/>
        <source>MON %1</source>
        <translation>监视器 %1</translation>
    </message>
    <message>
        <location filename="../../console/ui/tile.py" line="325"/>
        <source>%1 fps</source>
        <translation>%1 帧/秒</translation>
    </message>
    <message>
        <location filename="../../console/ui/tile.py" line="328"/>
        <source>idle</source>
        <translation>空闲</translation>
    </message>
    <message>
        <location filename="../../console/ui/tile.py" line="329"/>
        <source>connecting</source>
        <translation>连接中</translation>
    </message>
    <message>
        <location filename="../../console/ui/tile.py" line="330"/>
        <source>lost</source>
        <translation>丢失</translation>
    </message>
    <message>
        <location filename="../../console/ui/tile.py" line="331"/>
        <source>error</source>
        <translation>错误</translation>
    </message>
    <message>
        <location filename="../../console/ui/tile.py" line="345"/>
        <source>SIGNAL LOST</source>
        <translation>信号丢失</translation>
    </message>
    <message>
        <location filename="../../console/ui/tile.py" line="350"/>
        <source>ERROR</source>
        <translation>错误</translation>
    </message>
    <message>
        <location filename="../../console/ui/tile.py" line="352"/>
        <source>CONNECTING…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <location filename="../../console/ui/tile.py" line="353"/>
        <source>NO CAMERA</source>
        <translation>无摄像机</translation>
    </message>
    <message>
        <location filename="../../console/ui/tile.py" line="371"/>
        <source>error: %1</source>
        <translation>错误：%1</translation>
    </message>
</context>
<context>
    <name>Timeline</name>
    <message>
        <location filename="../../console/ui/playback.py" line="187"/>
        <source>Click or drag to move the playhead; the wheel zooms (a week down to seconds)</source>
        <translation>单击或拖动以移动播放位置；滚轮缩放（从一周到数秒）</translation>
    </message>
</context>
<context>
    <name>TourEditor</name>
    <message>
        <location filename="../../console/ui/console.py" line="571"/>
        <source>Edit tour</source>
        <translation>编辑轮巡</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="574"/>
        <source>Tour name or number:</source>
        <translation>轮巡名称或编号：</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="576"/>
        <source>Find a camera: number, name or place; Enter adds it</source>
        <translation>查找摄像机：编号、名称或地点；按 Enter 添加</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="593"/>
        <source>Add camera:</source>
        <translation>添加摄像机：</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="599"/>
        <source>Camera</source>
        <translation>摄像机</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="599"/>
        <source>Dwell (s)</source>
        <translation>停留（秒）</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="599"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="600"/>
        <source>Drag cameras here from the camera tree or the matches above</source>
        <translation>从摄像机树或上方的搜索结果把摄像机拖到这里</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="609"/>
        <source>Add step</source>
        <translation>添加步骤</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="611"/>
        <source>Remove step</source>
        <translation>删除步骤</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="680"/>
        <source>unknown camera</source>
        <translation>未知摄像机</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="702"/>
        <source>step %1: a camera number and a dwell in seconds</source>
        <translation>第 %1 步：需要摄像机编号和停留秒数</translation>
    </message>
    <message>
        <location filename="../../console/ui/console.py" line="705"/>
        <source>a tour needs a name and at least one step</source>
        <translation>轮巡需要名称和至少一个步骤</translation>
    </message>
</context>
<context>
    <name>WallAgent</name>
    <message>
        <location filename="../../console/ui/agent.py" line="82"/>
        <source>videowall — screen %1</source>
        <translation>videowall — 屏幕 %1</translation>
    </message>
</context>
<context>
    <name>WallPlayback</name>
    <message>
        <location filename="../../console/ui/wall_playback.py" line="139"/>
        <source>No recording here: %1</source>
        <translation>此处无录像：%1</translation>
    </message>
</context>
<context>
    <name>WallPreview</name>
    <message>
        <location filename="../../console/ui/wall_preview.py" line="367"/>
        <location filename="../../console/ui/wall_preview.py" line="850"/>
        <source>MON %1</source>
        <translation>监视器 %1</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall_preview.py" line="372"/>
        <source>Clear</source>
        <translation>清空</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall_preview.py" line="375"/>
        <source>Restore</source>
        <translation>还原</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall_preview.py" line="377"/>
        <source>Maximise on the wall</source>
        <translation>在电视墙上最大化</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall_preview.py" line="382"/>
        <source>Start tour</source>
        <translation>启动轮巡</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall_preview.py" line="387"/>
        <source>Hold tour</source>
        <translation>暂停轮巡</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall_preview.py" line="389"/>
        <source>Snapshot as evidence</source>
        <translation>抓拍存证</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall_preview.py" line="391"/>
        <source>Print evidence…</source>
        <translation>打印证据…</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall_preview.py" line="395"/>
        <source>Record</source>
        <translation>录像</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall_preview.py" line="398"/>
        <source>%1 minutes</source>
        <translation>%1 分钟</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall_preview.py" line="402"/>
        <source>Play back on the desk…</source>
        <translation>在工作台回放…</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall_preview.py" line="405"/>
        <source>Replay here</source>
        <translation>在此回放</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall_preview.py" line="407"/>
        <source>From 30 seconds ago</source>
        <translation>从 30 秒前</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall_preview.py" line="407"/>
        <source>From 2 minutes ago</source>
        <translation>从 2 分钟前</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall_preview.py" line="408"/>
        <source>From 10 minutes ago</source>
        <translation>从 10 分钟前</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall_preview.py" line="413"/>
        <source>Back to live</source>
        <translation>返回实况</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall_preview.py" line="419"/>
        <source>Grid</source>
        <translation>分屏</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall_preview.py" line="527"/>
        <source>no report</source>
        <translation>无报告</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall_preview.py" line="529"/>
        <location filename="../../console/ui/wall_preview.py" line="545"/>
        <location filename="../../console/ui/wall_preview.py" line="547"/>
        <source>connecting</source>
        <translation>连接中</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall_preview.py" line="538"/>
        <source>lost</source>
        <translation>丢失</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall_preview.py" line="540"/>
        <source>lost %1 s</source>
        <translation>丢失 %1 秒</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall_preview.py" line="542"/>
        <source>lost %1 min</source>
        <translation>丢失 %1 分钟</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall_preview.py" line="548"/>
        <source>error</source>
        <translation>错误</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall_preview.py" line="638"/>
        <source>No wall: waiting for the matrix host</source>
        <translation>无电视墙：正在等待矩阵主机</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall_preview.py" line="670"/>
        <source>grid %1</source>
        <translation>%1 分屏</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall_preview.py" line="672"/>
        <source>maximised</source>
        <translation>已最大化</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall_preview.py" line="733"/>
        <source>● REC</source>
        <translation>● 录像</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall_preview.py" line="747"/>
        <source>no camera</source>
        <translation>无摄像机</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall_preview.py" line="755"/>
        <source>PLAYBACK</source>
        <translation>回放</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall_preview.py" line="757"/>
        <source>tour %1</source>
        <translation>轮巡 %1</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall_preview.py" line="759"/>
        <source>held</source>
        <translation>已暂停</translation>
    </message>
</context>
</TS>
